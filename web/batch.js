// Batch labelling: pick or drop a CSV / JSON lines file, check its header in the browser,
// upload it (POST /v1/models/{id}/batch), follow the job (GET /v1/jobs/{id}) with a progress
// bar, and offer the result CSV as a download.
import { ApiError, explainError, modelPath, request, requestJson } from './api.js';
import { byId, el, formatBytes, formatPercent, showAlert } from './dom.js';

/** @typedef {import('./types.js').ModelSummary} ModelSummary */
/** @typedef {import('./types.js').Job} Job */

/** Bytes of a batch file read in the browser to check its header before uploading it. */
const HEAD_BYTES = 64 * 1024;

/** Job polling: quick at first (small files finish in a moment), then backing off to this. */
const POLL_FIRST_MS = 300;
const POLL_MAX_MS = 2000;

/** Consecutive failed polls (network hiccups) before a job is reported as lost. */
const POLL_RETRIES = 5;

/** @type {{file: File | null, type: string | null, poll: number | null, resultUrl: string | null}} */
const batch = { file: null, type: null, poll: null, resultUrl: null };

/** The model the page has chosen (set by setUpBatch). @type {() => ModelSummary | null} */
let currentModel = () => null;

/** The upload content type of a file by its name, or null when the API takes no such file. @param {File} file */
function uploadType(file) {
  const name = file.name.toLowerCase();
  if (name.endsWith('.csv')) return 'text/csv';
  if (name.endsWith('.jsonl') || name.endsWith('.ndjson')) return 'application/x-ndjson';
  if (file.type === 'text/csv') return 'text/csv';
  if (file.type === 'application/x-ndjson') return 'application/x-ndjson';
  return null;
}

/** Upload is possible once a usable file and a model are chosen. */
export function updateBatchButton() {
  /** @type {HTMLButtonElement} */ (byId('batch-button')).disabled = !(batch.file && batch.type && currentModel());
}

/** @param {File | null} file */
function chooseFile(file) {
  const errorBox = byId('batch-error');
  batch.file = file;
  batch.type = file ? uploadType(file) : null;
  byId('batch-file-name').textContent = file ? `${file.name} · ${formatBytes(file.size)}` : '';
  if (file && !batch.type) showAlert(errorBox, `“${file.name}” is not a file this page can send: choose a .csv (with a header row) or a .jsonl file.`);
  else if (file && file.size === 0) {
    showAlert(errorBox, `“${file.name}” is empty.`);
    batch.type = null;
  } else showAlert(errorBox, null);
  updateBatchButton();
}

/** @param {() => ModelSummary | null} chosenModel the model uploads go to */
export function setUpBatch(chosenModel) {
  currentModel = chosenModel;
  const input = /** @type {HTMLInputElement} */ (byId('batch-file'));
  const zone = byId('dropzone');
  input.addEventListener('change', () => chooseFile(input.files?.[0] ?? null));
  zone.addEventListener('dragover', (event) => {
    event.preventDefault();
    zone.setAttribute('data-over', '');
  });
  zone.addEventListener('dragleave', () => zone.removeAttribute('data-over'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.removeAttribute('data-over');
    const file = event.dataTransfer?.files?.[0] ?? null;
    if (file) chooseFile(file);
  });
  // A file dropped beside the zone would otherwise make the browser leave the page to show it.
  window.addEventListener('dragover', (event) => event.preventDefault());
  window.addEventListener('drop', (event) => event.preventDefault());
  byId('batch-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void uploadBatch();
  });
}

/**
 * Reads the start of the file to catch what the server would refuse anyway, with a message that
 * names the problem: unreadable bytes, no header, no text column or field.
 * @param {File} file
 * @param {string} type
 * @param {string} textField
 * @returns {Promise<string | null>} the problem, or null when the file looks right
 */
async function checkBatchFile(file, type, textField) {
  let head;
  try {
    head = await file.slice(0, HEAD_BYTES).text();
  } catch {
    return `“${file.name}” could not be read; is it still there?`;
  }
  if (head.includes('\u0000')) return `“${file.name}” does not look like text (it has NUL bytes); save it as UTF-8 CSV or JSON lines.`;
  const firstLine = head.replace(/^\uFEFF/, '').split(/\r?\n/).find((line) => line.trim() !== '') ?? '';
  if (firstLine === '') return `“${file.name}” has no rows.`;
  if (type === 'text/csv') {
    const columns = firstLine.split(',').map((c) => c.trim().replace(/^"(.*)"$/, '$1').replace(/""/g, '"'));
    if (!columns.includes(textField)) {
      return `The header row of “${file.name}” has no “${textField}” column (it has: ${columns.slice(0, 8).join(', ')}${columns.length > 8 ? ', …' : ''}). Set “Text column” to the right one.`;
    }
  } else {
    let row;
    try {
      row = JSON.parse(firstLine);
    } catch {
      return `The first line of “${file.name}” is not JSON; a JSON lines file has one {"text": …} object per line.`;
    }
    if (!row || typeof row !== 'object' || Array.isArray(row) || !(textField in row)) {
      return `The first line of “${file.name}” has no “${textField}” field. Set “Text column” to the right one.`;
    }
  }
  return null;
}

async function uploadBatch() {
  const model = currentModel();
  const file = batch.file;
  const type = batch.type;
  const errorBox = byId('batch-error');
  const button = /** @type {HTMLButtonElement} */ (byId('batch-button'));
  if (!model || !file || !type) return;
  const textField = /** @type {HTMLInputElement} */ (byId('text-field')).value.trim() || 'text';
  showAlert(errorBox, null);
  const problem = await checkBatchFile(file, type, textField);
  if (problem) {
    showAlert(errorBox, problem);
    return;
  }
  stopPolling();
  button.disabled = true;
  const job = byId('batch-job');
  job.hidden = false;
  job.setAttribute('data-status', 'uploading');
  byId('job-label').textContent = file.name;
  byId('job-status').textContent = 'Uploading…';
  byId('job-count').textContent = formatBytes(file.size);
  byId('job-download').hidden = true;
  byId('job-download').replaceChildren();
  progressBar(null);
  try {
    const query = textField === 'text' ? '' : `?text_field=${encodeURIComponent(textField)}`;
    /** @type {{job_id: string, status_url: string, result_url: string}} */
    const accepted = await requestJson(`${modelPath(model.id)}/batch${query}`, {
      method: 'POST',
      headers: { 'content-type': type },
      body: file,
    });
    const statusUrl = accepted.status_url || `/v1/jobs/${encodeURIComponent(accepted.job_id)}`;
    batch.resultUrl = accepted.result_url || `${statusUrl}/result`;
    pollJob(statusUrl, file.name, POLL_FIRST_MS, 0);
  } catch (error) {
    job.hidden = true;
    showAlert(errorBox, explainError(error, 'upload'));
  } finally {
    updateBatchButton();
  }
}

function stopPolling() {
  if (batch.poll !== null) clearTimeout(batch.poll);
  batch.poll = null;
}

/** @param {number | null} share of the work done, null when unknown */
function progressBar(share) {
  const bar = /** @type {HTMLProgressElement} */ (byId('job-progress'));
  if (share === null) bar.removeAttribute('value');
  else bar.value = Math.max(0, Math.min(1, share));
}

/**
 * @param {string} statusUrl
 * @param {string} fileName
 * @param {number} delay
 * @param {number} failures consecutive failed polls so far
 */
function pollJob(statusUrl, fileName, delay, failures) {
  batch.poll = window.setTimeout(async () => {
    /** @type {Job} */
    let job;
    try {
      job = await requestJson(statusUrl);
    } catch (error) {
      const transient = !(error instanceof ApiError) || error.status === 0 || error.status >= 500 || error.status === 429;
      if (transient && failures + 1 < POLL_RETRIES) return pollJob(statusUrl, fileName, POLL_MAX_MS, failures + 1);
      showJobState('failed', explainError(error));
      return;
    }
    renderJob(job);
    if (job.status === 'done') {
      batch.poll = null;
      await offerDownload(job, fileName);
    } else if (job.status === 'failed') {
      batch.poll = null;
    } else {
      pollJob(statusUrl, fileName, Math.min(POLL_MAX_MS, delay * 1.5), 0);
    }
  }, delay);
}

/** @param {string} status @param {string} text */
function showJobState(status, text) {
  byId('batch-job').setAttribute('data-status', status);
  byId('job-status').textContent = text;
}

/** @param {Job} job */
function renderJob(job) {
  const processed = Number(job.processed) || 0;
  const total = typeof job.total === 'number' ? job.total : null;
  byId('batch-job').setAttribute('data-job-id', job.id);
  if (job.status === 'failed') {
    showJobState('failed', 'Failed');
    showAlert(byId('batch-error'), `The job failed: ${job.error ?? 'the server gave no reason'}. No partial results are offered.`);
  } else {
    showJobState(job.status, job.status === 'done' ? 'Done' : job.status === 'queued' ? 'Queued' : 'Running');
  }
  if (job.status === 'done') progressBar(1);
  else progressBar(total && total > 0 ? processed / total : null);
  byId('job-count').textContent = total !== null
    ? `${processed.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} rows${total > 0 ? ` (${formatPercent(processed / total)})` : ''}`
    : `${processed.toLocaleString('en-US')} rows so far`;
}

/**
 * Fetches the result with the key (a plain link could not send it) and offers it as a download.
 * @param {Job} job
 * @param {string} fileName
 */
async function offerDownload(job, fileName) {
  const holder = byId('job-download');
  const url = job.result_url || batch.resultUrl || `/v1/jobs/${encodeURIComponent(job.id)}/result`;
  try {
    const blob = await (await request(url)).blob();
    const link = el('a', {
      class: 'download',
      href: URL.createObjectURL(new Blob([blob], { type: 'text/csv' })),
      download: `${fileName.replace(/\.[^.]+$/, '')}-labels.csv`,
    }, `Download results (CSV, ${formatBytes(blob.size)})`);
    holder.replaceChildren(link);
    holder.hidden = false;
  } catch (error) {
    showAlert(byId('batch-error'), `The job is done but its results could not be fetched: ${explainError(error)}`);
  }
}
