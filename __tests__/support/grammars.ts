// Syntax checks with the official Lezer grammars of PromQL and LogQL, the ones
// Grafana and Prometheus's own UI use: any error node in the tree is a syntax error.
import { parser as logqlParser } from "@grafana/lezer-logql";
import { parser as promqlParser } from "@prometheus-io/lezer-promql";

type Parser = typeof promqlParser;

function syntaxErrors(parser: Parser, expr: string): string[] {
  const errors: string[] = [];
  parser.parse(expr).iterate({
    enter: (node) => {
      if (node.type.isError) errors.push(`syntax error at offset ${node.from}: ${JSON.stringify(expr.slice(Math.max(0, node.from - 10), node.from + 10))}`);
    },
  });
  return errors;
}

export const promqlErrors = (expr: string) => syntaxErrors(promqlParser, expr);
export const logqlErrors = (expr: string) => syntaxErrors(logqlParser as unknown as Parser, expr);
