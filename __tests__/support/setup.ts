// cdktf's Jest matchers (toHaveResourceWithProperties, ...).
import { Testing } from "cdktf";

Testing.setupJest();
