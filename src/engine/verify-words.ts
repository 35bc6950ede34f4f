// The words for an encrypted export that verify could not open, the same in the CLI and the app (UI-safe: no imports).

export type VerifyLock = 'no-password' | 'wrong-password';

export const LOCKED_TEXT: Record<VerifyLock, string> = {
  'no-password': 'encrypted: give the password to verify',
  'wrong-password': 'wrong password: this export was encrypted with another one',
};
