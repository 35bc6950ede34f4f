// How hard an export password is to guess, for the strength meter next to the password field.
// zxcvbn-ts matches dictionaries (common passwords, English words, names), keyboard patterns, dates and
// repeats, which a bare entropy count misses ("Password123!" scores well by length and classes alone).

import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary as commonDictionary } from '@zxcvbn-ts/language-common';
import { dictionary as englishDictionary, translations } from '@zxcvbn-ts/language-en';

/** 0 too guessable … 4 very unguessable (zxcvbn's scale). */
export type PasswordScore = 0 | 1 | 2 | 3 | 4;

export interface PasswordStrength {
  score: PasswordScore;
  /** One word for the meter: `very weak`, `weak`, `fair`, `strong`, `very strong`. */
  label: string;
  /** log10 of the estimated guesses needed. */
  guessesLog10: number;
  /** What is wrong with it, if anything (e.g. "This is a top-10 common password."). */
  warning: string;
  /** How to make it better. */
  suggestions: string[];
}

/** Score at which the UI should accept a password without a warning (≥ 10^10 guesses: offline attack resistant). */
export const MIN_GOOD_PASSWORD_SCORE: PasswordScore = 3;

const LABELS = ['very weak', 'weak', 'fair', 'strong', 'very strong'] as const;

let factory: ZxcvbnFactory | undefined;

/**
 * Estimates a password's strength. The password is only looked at, never kept or logged.
 * @param userInputs words the person is likely to use (their name, e-mail), counted as guessable
 */
export function estimatePasswordStrength(password: string, userInputs: string[] = []): PasswordStrength {
  factory ??= new ZxcvbnFactory({
    translations,
    graphs: adjacencyGraphs,
    dictionary: { ...commonDictionary, ...englishDictionary },
  });
  const result = factory.check(password, userInputs);
  const score = result.score as PasswordScore;
  return {
    score,
    label: LABELS[score],
    guessesLog10: result.guessesLog10,
    warning: result.feedback.warning ?? '',
    suggestions: result.feedback.suggestions,
  };
}
