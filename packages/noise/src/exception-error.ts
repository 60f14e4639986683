/** A value or field Falco's exception syntax cannot carry safely; `code` names which. */
export class NoiseExceptionError extends Error {
  /** Always `"NoiseExceptionError"`, so that logs and `error.name` checks tell it apart. */
  override readonly name = "NoiseExceptionError";
  constructor(
    /**
     * `unsafe-value`: a field or value Falco cannot parse back; `duplicate-field`;
     * `no-condition`; `empty-list`: an `in` without values.
     */
    readonly code: "unsafe-value" | "no-condition" | "duplicate-field" | "empty-list",
    message: string,
  ) {
    super(message);
  }
}
