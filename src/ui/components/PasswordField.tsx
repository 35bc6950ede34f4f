// An optional export password with a strength meter. The strength code (zxcvbn dictionaries, about 1.5 MB)
// is loaded only when someone starts typing. The value lives in React state and goes to the worker as a run
// option; it is never written to the request, the database, a log or the URL.

import { useEffect, useId, useState } from 'react';
import type { PasswordStrength } from '../../privacy/password-strength.ts';

type StrengthModule = typeof import('../../privacy/password-strength.ts');
let strengthModule: Promise<StrengthModule> | undefined;

function loadStrength(): Promise<StrengthModule> {
  strengthModule ??= import('../../privacy/password-strength.ts');
  return strengthModule;
}

export function PasswordField({ value, onChange }: { value: string; onChange: (next: string) => void }) {
  const ids = useId();
  const [isShown, setIsShown] = useState(false);
  const [strength, setStrength] = useState<PasswordStrength & { minGood: number }>();

  useEffect(() => {
    if (!value) {
      setStrength(undefined);
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      void loadStrength().then((m) => {
        if (live) setStrength({ ...m.estimatePasswordStrength(value), minGood: m.MIN_GOOD_PASSWORD_SCORE });
      });
    }, 120);
    return () => { live = false; clearTimeout(timer); };
  }, [value]);

  return (
    <fieldset className="password">
      <legend>Protect the zip</legend>
      <p className="muted">With a password, every file in the zip (its manifest too) is encrypted with AES-256. 7-Zip, WinZip and other tools that read AES zips open it. The password is not kept anywhere: if you lose it, the zip cannot be opened.</p>
      <div className="row">
        <div className="field">
          <label htmlFor={`${ids}-pw`}>Password (optional)</label>
          <input id={`${ids}-pw`} type={isShown ? 'text' : 'password'} autoComplete="new-password" spellCheck={false}
            value={value} onChange={(e) => onChange(e.target.value)} aria-describedby={`${ids}-strength`} />
        </div>
        <label className="check"><input type="checkbox" checked={isShown} onChange={(e) => setIsShown(e.target.checked)} /> Show</label>
      </div>
      <div id={`${ids}-strength`} aria-live="polite">
        {value && strength && (
          <>
            <meter className="meter" min={0} max={4} low={2} high={3} optimum={4} value={strength.score} aria-label="Password strength" />
            <p className={strength.score >= strength.minGood ? 'ok' : 'warning'} data-testid="password-strength">
              Strength: {strength.label}.{strength.warning ? ` ${strength.warning}` : ''}{strength.score < strength.minGood && strength.suggestions[0] ? ` ${strength.suggestions[0]}` : ''}
            </p>
          </>
        )}
      </div>
    </fieldset>
  );
}
