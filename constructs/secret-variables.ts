import { TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import { isTerraformVariableName, TERRAFORM_VARIABLE_NAME_RULE } from "./value-types";

/**
 * The sensitive Terraform variables of one stack, declared on first use. Their
 * values are supplied at plan time (TF_VAR_name or a .tfvars file) and never
 * appear in cdk.tf.json or rendered/.
 */
export class SecretVariables extends Construct {
  private readonly variables = new Map<string, TerraformVariable>();

  constructor(scope: Construct, id: string) {
    super(scope, id);
  }

  /** The cdktf token for `${var.name}`, declaring the variable if needed. */
  token(name: string, description = `Secret ${name} (sensitive)`): string {
    if (!isTerraformVariableName(name)) throw new Error(`${this.node.path}: secret variable name ${TERRAFORM_VARIABLE_NAME_RULE}, got ${JSON.stringify(name)}`);
    let variable = this.variables.get(name);
    if (!variable) {
      // The Terraform address must be exactly `var.<name>` (renders show that form),
      // so the variable is created in the stack scope with overrideLogicalId.
      variable = new TerraformVariable(this, name, { type: "string", sensitive: true, nullable: false, description });
      variable.overrideLogicalId(name);
      this.variables.set(name, variable);
    }
    return variable.stringValue;
  }

  get names(): string[] {
    return [...this.variables.keys()].sort();
  }
}
