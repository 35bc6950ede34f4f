// Audit: every export step (who, what, when, size, hash), searchable, downloadable as CSV, and the totals per
// format and per month from completed exports.

import { useEffect, useId, useState } from 'react';
import { liveQuery } from 'dexie';
import { auditToCsv, exportStats, searchAudit, type AuditEntry } from '../../jobs/audit.ts';
import { FORMAT_META } from '../../formats/meta.ts';
import type { FormatId } from '../../model/request.ts';
import { downloadFile } from '../../platform/save.ts';
import { formatBytes, formatDateTime, formatDuration, fromDateInput } from '../format.ts';
import { readDb } from '../services.ts';

const ACTIONS = ['INITIATED', 'PROCESSING', 'PAUSED', 'RESUMED', 'COMPLETED', 'FAILED', 'CANCELLED', 'EXPIRED', 'DELETED', 'MIRRORED', 'SCHEDULE_SKIPPED'];

export function AuditScreen() {
  const ids = useId();
  const [text, setText] = useState('');
  const [action, setAction] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [all, setAll] = useState<AuditEntry[]>([]);
  const fromMs = fromDateInput(from);
  const toMs = fromDateInput(to);

  useEffect(() => {
    const query = { text, action: action || undefined, fromMs, toMs: toMs === undefined ? undefined : toMs + 86_400_000 };
    const sub = liveQuery(() => searchAudit(readDb, query)).subscribe({ next: setEntries, error: () => setEntries([]) });
    return () => sub.unsubscribe();
  }, [text, action, fromMs, toMs]);
  useEffect(() => {
    const sub = liveQuery(() => searchAudit(readDb, { action: 'COMPLETED', limit: 100_000 })).subscribe({ next: setAll, error: () => setAll([]) });
    return () => sub.unsubscribe();
  }, []);

  const stats = exportStats(all);
  const download = () => downloadFile(new Blob([auditToCsv(entries)], { type: 'text/csv' }), `takeaway-audit-${new Date().toISOString().slice(0, 10)}.csv`);
  return (
    <section aria-labelledby="audit-title" className="screen">
      <h1 id="audit-title">Audit</h1>
      <section aria-labelledby="stats-title">
        <h2 id="stats-title">Exports so far</h2>
        <p data-testid="audit-total">{stats.total.exports} completed exports, {formatBytes(stats.total.bytes)}, {formatDuration(stats.total.durationMs / 1000)} in all.</p>
        <div className="row">
          <table>
            <caption>Per format</caption>
            <thead><tr><th scope="col">Format</th><th scope="col" className="num">Exports</th><th scope="col" className="num">Bytes written</th></tr></thead>
            <tbody>{Object.entries(stats.byFormat).map(([format, s]) => (
              <tr key={format}><th scope="row">{FORMAT_META[format as FormatId]?.label ?? format}</th><td className="num">{s!.exports}</td><td className="num">{formatBytes(s!.bytes)}</td></tr>
            ))}</tbody>
          </table>
          <table>
            <caption>Per month (UTC)</caption>
            <thead><tr><th scope="col">Month</th><th scope="col" className="num">Exports</th><th scope="col" className="num">Size</th><th scope="col" className="num">Time</th></tr></thead>
            <tbody>{Object.entries(stats.byMonth).sort(([a], [b]) => b.localeCompare(a)).map(([month, s]) => (
              <tr key={month}><th scope="row">{month}</th><td className="num">{s.exports}</td><td className="num">{formatBytes(s.bytes)}</td><td className="num">{formatDuration(s.durationMs / 1000)}</td></tr>
            ))}</tbody>
          </table>
        </div>
      </section>
      <form className="row filters" role="search" aria-label="Search the audit log" onSubmit={(e) => e.preventDefault()}>
        <div className="field"><label htmlFor={`${ids}-q`}>Search</label><input id={`${ids}-q`} type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder="job id, format, reason" /></div>
        <div className="field"><label htmlFor={`${ids}-a`}>Step</label>
          <select id={`${ids}-a`} value={action} onChange={(e) => setAction(e.target.value)}>
            <option value="">Any step</option>
            {ACTIONS.map((a) => <option key={a} value={a}>{a.toLowerCase().replace('_', ' ')}</option>)}
          </select></div>
        <div className="field"><label htmlFor={`${ids}-from`}>From</label><input id={`${ids}-from`} type="date" value={from} onChange={(e) => setFrom(e.target.value)} /></div>
        <div className="field"><label htmlFor={`${ids}-to`}>To</label><input id={`${ids}-to`} type="date" value={to} onChange={(e) => setTo(e.target.value)} /></div>
        <button type="button" className="secondary" onClick={download} disabled={entries.length === 0}>Download CSV</button>
      </form>
      <div className="scroll" tabIndex={0} role="region" aria-label="Audit entries">
        <table className="audit">
          <thead><tr><th scope="col">Time</th><th scope="col">Step</th><th scope="col">By</th><th scope="col">Job</th><th scope="col">Formats</th><th scope="col" className="num">Size</th><th scope="col">Detail</th></tr></thead>
          <tbody>{entries.map((e) => (
            <tr key={e.seq} data-action={e.action}>
              <td>{formatDateTime(e.atMs)}</td><td>{e.action}</td><td>{e.actor ?? ''}</td><td><code>{e.jobId.slice(0, 8)}</code></td>
              <td>{(e.formats ?? []).join(', ')}</td><td className="num">{e.sizeBytes !== undefined ? formatBytes(e.sizeBytes) : ''}</td>
              <td>{e.detail ?? ''}{e.sha256 ? ` · manifest ${e.sha256.slice(0, 12)}…` : ''}</td>
            </tr>
          ))}</tbody>
        </table>
      </div>
      {entries.length === 0 && <p className="muted">No audit entry matches.</p>}
    </section>
  );
}
