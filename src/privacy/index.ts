// Public entry of the privacy stage: anonymised sources, the redacted request copy, password strength.

export { anonymiseSource, type AnonymisedSource, type AnonymiseSettings } from './anonymise-source.ts';
export { redactRequest } from './redact-request.ts';
export { estimatePasswordStrength, MIN_GOOD_PASSWORD_SCORE, type PasswordScore, type PasswordStrength } from './password-strength.ts';
export { isInsideAnyZone, checkZones } from './zones.ts';
