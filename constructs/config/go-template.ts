// Prometheus (annotations, labels), Loki's ruler and Alertmanager (email to/from,
// titles, ...) expand some config strings as Go templates. Text that comes from
// outside the code goes through here, so it prints as written and never runs:
// `{{` becomes the action {{ "{{" }}, which outputs two braces.

/** `text` made inert inside a Go template. */
export function literalInGoTemplate(text: string): string {
  return text.replace(/\{\{/g, () => '{{ "{{" }}');
}

/** What Go's template engine prints for text made inert by literalInGoTemplate. */
export function expandLiterals(template: string): string {
  return template.replace(/\{\{ "\{\{" \}\}/g, () => "{{");
}
