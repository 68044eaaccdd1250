// cdktf's Jest matchers (toHaveResourceWithProperties, ...) and their types.
import type {} from "cdktf/lib/testing/adapters/jest";
import { Testing } from "cdktf";

Testing.setupJest();
