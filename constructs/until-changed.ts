/**
 * A value rendered from a construct's collections, rendered again only after
 * one of them changed (its add*() methods call `changed()`). A config file that
 * is rendered at synth time is read several times per synth: by the upload in
 * cdktf's two resolve passes, by rendered/, and by the secrets it declares.
 */
export class UntilChanged<T> {
  private rendered: { readonly value: T } | undefined;

  constructor(private readonly render: () => T) {}

  get value(): T {
    this.rendered ??= { value: this.render() };
    return this.rendered.value;
  }

  changed(): void {
    this.rendered = undefined;
  }
}
