// One error type for everything the client refuses. `code` is stable (the
// pages map it to a translated message); the English text names the field.
// Codes shared with the server's ballot checks (DESIGN.md §3.8) keep its
// spelling: bad_encoding, bad_point, bad_scalar, bad_structure, bad_token,
// bad_signature, bad_proof. The client's own: bad_definition,
// bad_fingerprint, bad_receipt, bad_audit, bad_kit, bad_choice.
export class OvoteError extends Error {
  constructor(code, message) {
    super(message);
    this.name = "OvoteError";
    this.code = code;
  }
}

export function fail(code, message) {
  throw new OvoteError(code, message);
}
