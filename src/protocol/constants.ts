// Constants of the contract, kept free of zod so the browser bundle can import them without
// pulling in the schema library (the server validates every frame; the client's types suffice).

export const PROTOCOL_VERSION = 1;

/** Limits that are part of the contract (clients may check them before sending). */
export const Limits = {
  requestIdLength: 64,
  chatTextLength: 4000,
  displayNameLength: 60,
  historyPage: 100,
  pollQuestionLength: 300,
  pollOptionLength: 200,
  pollOptions: 10,
  breakoutGroups: 20,
  breakoutAssign: 1000,
} as const;
