// The browser voting client's cryptographic core (DESIGN.md §3, §6).
export * from "./errors.js";
export * from "./bytes.js";
export * from "./group.js";
export * from "./hash.js";
export * from "./canonical.js";
export * from "./elgamal.js";
export * from "./proofs.js";
export * from "./ballot.js";
export * from "./tokens.js";
export * from "./definition.js";
export * from "./receipt.js";
export * from "./audit.js";
export * from "./kit.js";
