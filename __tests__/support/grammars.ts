// Syntax checks with the official Lezer grammars of PromQL and LogQL, the ones
// Grafana and Prometheus's own UI use: any error node in the tree is a syntax error.

/** The part of a Lezer parser these checks use. */
export interface GrammarParser {
  parse(input: string): {
    iterate(spec: { enter(node: { type: { name: string; isError: boolean }; from: number; to: number }): boolean | void }): void;
  };
}

// Both packages ship CommonJS builds; their type declarations are ESM-only, so
// TypeScript (node16 resolution, CommonJS output) would refuse a static import.
/* eslint-disable @typescript-eslint/no-require-imports */
const promqlParser: GrammarParser = require("@prometheus-io/lezer-promql").parser;
const logqlParser: GrammarParser = require("@grafana/lezer-logql").parser;

function syntaxErrors(parser: GrammarParser, expr: string): string[] {
  const errors: string[] = [];
  parser.parse(expr).iterate({
    enter: (node) => {
      if (node.type.isError) errors.push(`syntax error at offset ${node.from}: ${JSON.stringify(expr.slice(Math.max(0, node.from - 10), node.from + 10))}`);
    },
  });
  return errors;
}

export const promqlErrors = (expr: string) => syntaxErrors(promqlParser, expr);
export const logqlErrors = (expr: string) => syntaxErrors(logqlParser, expr);

/** Metric names a PromQL expression selects (VectorSelector identifiers). */
export function promqlMetricNames(expr: string): string[] {
  const names: string[] = [];
  promqlParser.parse(expr).iterate({
    enter: (node) => {
      if (node.type.name === "Identifier" || node.type.name === "MetricName") names.push(expr.slice(node.from, node.to));
    },
  });
  return [...new Set(names)];
}
