// What the export will hold, as the engine's plan says: counts, a row per format, every file, what is left out
// and the first rows of each CSV table (anonymised as the zip will be). Nothing here is computed a second time.

import type { ExportPlan } from '../../engine/plan.ts';
import { FORMAT_META } from '../../formats/meta.ts';
import type { RecordKind } from '../../model/records.ts';
import type { FormatId } from '../../model/request.ts';
import { formatBytes, formatCount } from '../format.ts';
import { KIND_LABELS } from '../screens/DataScreen.tsx';

/** Files listed one by one at most; a year of activities in every format would be thousands of rows. */
const MAX_LISTED_FILES = 200;

function recordsText(records: Partial<Record<RecordKind, number>>): string {
  return Object.entries(records).map(([kind, n]) => `${formatCount(n ?? 0)} ${KIND_LABELS[kind as RecordKind].toLowerCase()}`).join(', ');
}

export function PlanPreview({ plan }: { plan: ExportPlan }) {
  const listed = plan.files.slice(0, MAX_LISTED_FILES);
  const samples = plan.files.filter((f) => f.firstLines?.length);
  return (
    <>
      <p data-testid="preview-counts">
        {recordsText(plan.counts)}
        {plan.samples > 0 ? `, ${formatCount(plan.samples)} track samples` : ''}.
      </p>
      <table data-testid="preview-formats">
        <caption>Files in the zip</caption>
        <thead><tr><th scope="col">Format</th><th scope="col" className="num">Files</th><th scope="col" className="num">Records</th><th scope="col" className="num">Estimated size</th></tr></thead>
        <tbody>
          {plan.formats.map((f) => (
            <tr key={f.format} data-format={f.format}>
              <th scope="row">{FORMAT_META[f.format].label}</th>
              <td className="num">{formatCount(f.files)}</td>
              <td className="num">{formatCount(f.records)}</td>
              <td className="num">{formatBytes(f.estimatedBytes)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot><tr><th scope="row">Zip</th><td className="num">{formatCount(plan.files.length + 2)}</td><td /><td className="num">about {formatBytes(plan.estimatedBytes)}</td></tr></tfoot>
      </table>
      <details className="plan-files">
        <summary>Every file ({formatCount(plan.files.length)}, plus manifest.json and SHA256SUMS)</summary>
        <div className="scroll" tabIndex={0} role="region" aria-label="Every file of the zip">
          <table data-testid="preview-files">
            <thead><tr><th scope="col">Path</th><th scope="col">Records</th><th scope="col" className="num">Estimated size</th></tr></thead>
            <tbody>
              {listed.map((f) => (
                <tr key={f.path}><td><code>{f.path}</code></td><td>{recordsText(f.records)}</td><td className="num">{formatBytes(f.estimatedContentBytes)}</td></tr>
              ))}
            </tbody>
          </table>
          {plan.files.length > listed.length && <p className="muted">and {formatCount(plan.files.length - listed.length)} more.</p>}
        </div>
      </details>
      {plan.skipped.length > 0 && (
        <div className="error" role="note" data-testid="preview-skipped">
          <h3>Will be skipped ({formatCount(plan.skipped.length)})</h3>
          <ul>{plan.skipped.slice(0, 20).map((s) => <li key={`${s.kind} ${s.id} ${s.reason}`}>{s.kind} {s.id}: {s.reason}</li>)}</ul>
        </div>
      )}
      {Object.keys(plan.leftOut).length > 0 && (
        <div className="muted" role="note" data-testid="preview-left-out">
          <h3>Not in every format (by design)</h3>
          <ul>{Object.entries(plan.leftOut).flatMap(([format, records]) => [...new Set(records!.map((r) => r.reason))].map((reason) => (
            <li key={`${format} ${reason}`}><strong>{FORMAT_META[format as FormatId].label}</strong>: {formatCount(records!.filter((r) => r.reason === reason).length)} × {reason}</li>
          )))}</ul>
        </div>
      )}
      {plan.transformations.length > 0 && (
        <div role="note" data-testid="preview-transformations">
          <h3>Anonymised before any file is written</h3>
          <ul>{plan.transformations.map((t) => <li key={t}>{t}</li>)}</ul>
        </div>
      )}
      {plan.formats.some((f) => f.lostChannels.length || f.lostFeatures.length) && (
        <div className="warning" role="note">
          <h3>What some formats leave out</h3>
          <ul>
            {plan.formats.filter((f) => f.lostChannels.length || f.lostFeatures.length).map((f) => (
              <li key={f.format}><strong>{FORMAT_META[f.format].label}</strong>: {[...f.lostChannels, ...f.lostFeatures].join(', ')}</li>
            ))}
          </ul>
        </div>
      )}
      {samples.map((file) => (
        <div key={file.path} className="csv-preview">
          <h3>{file.path}</h3>
          <div className="scroll" tabIndex={0} role="region" aria-label={`First rows of ${file.path}`}>
            <pre>{file.firstLines!.join('\n')}</pre>
          </div>
        </div>
      ))}
    </>
  );
}
