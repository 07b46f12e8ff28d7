/**
 * Prometheus text exposition, written by hand: a few counters and one latency histogram need
 * no client library. Recording is a Map lookup and a few additions per request.
 */
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

interface Histogram {
  counts: Float64Array; // per bucket (non-cumulative), last slot = +Inf
  sum: number;
  count: number;
}

export interface Gauges {
  modelsLoaded: number;
  reloads: number;
  refusedReloads: number;
  jobsByStatus: Record<string, number>;
}

export class Metrics {
  private readonly requests = new Map<string, number>();
  private readonly latency = new Map<string, Histogram>();
  private readonly textsPredicted = new Map<string, number>();

  /** `route` is the route pattern (`/v1/models/:id/predict`), never the raw URL: bounded label sets. */
  observeRequest(method: string, route: string, status: number, seconds: number): void {
    const key = `${method}\u0000${route}\u0000${status}`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    const hkey = `${method}\u0000${route}`;
    let h = this.latency.get(hkey);
    if (!h) {
      h = { counts: new Float64Array(BUCKETS.length + 1), sum: 0, count: 0 };
      this.latency.set(hkey, h);
    }
    let b = 0;
    while (b < BUCKETS.length && seconds > BUCKETS[b]) b++;
    h.counts[b]++;
    h.sum += seconds;
    h.count++;
  }

  observeTexts(model: string, n: number): void {
    this.textsPredicted.set(model, (this.textsPredicted.get(model) ?? 0) + n);
  }

  render(g: Gauges): string {
    const lines: string[] = [];
    lines.push('# HELP textclass_http_requests_total HTTP requests by method, route and status.', '# TYPE textclass_http_requests_total counter');
    for (const [key, n] of this.requests) {
      const [method, route, status] = key.split('\u0000');
      lines.push(`textclass_http_requests_total{method="${method}",route="${esc(route)}",status="${status}"} ${n}`);
    }
    lines.push('# HELP textclass_http_request_duration_seconds Time from request to response.', '# TYPE textclass_http_request_duration_seconds histogram');
    for (const [key, h] of this.latency) {
      const [method, route] = key.split('\u0000');
      const labels = `method="${method}",route="${esc(route)}"`;
      let cumulative = 0;
      for (let b = 0; b < BUCKETS.length; b++) {
        cumulative += h.counts[b];
        lines.push(`textclass_http_request_duration_seconds_bucket{${labels},le="${BUCKETS[b]}"} ${cumulative}`);
      }
      lines.push(`textclass_http_request_duration_seconds_bucket{${labels},le="+Inf"} ${h.count}`);
      lines.push(`textclass_http_request_duration_seconds_sum{${labels}} ${h.sum}`);
      lines.push(`textclass_http_request_duration_seconds_count{${labels}} ${h.count}`);
    }
    lines.push('# HELP textclass_texts_predicted_total Texts scored by the predict route, by model.', '# TYPE textclass_texts_predicted_total counter');
    for (const [model, n] of this.textsPredicted) lines.push(`textclass_texts_predicted_total{model="${esc(model)}"} ${n}`);
    lines.push('# HELP textclass_jobs Batch jobs by status.', '# TYPE textclass_jobs gauge');
    for (const [status, n] of Object.entries(g.jobsByStatus)) lines.push(`textclass_jobs{status="${status}"} ${n}`);
    lines.push('# HELP textclass_models_loaded Models being served.', '# TYPE textclass_models_loaded gauge', `textclass_models_loaded ${g.modelsLoaded}`);
    lines.push('# HELP textclass_model_reloads_total New versions of served models swapped in.', '# TYPE textclass_model_reloads_total counter', `textclass_model_reloads_total ${g.reloads}`);
    lines.push('# HELP textclass_model_reloads_refused_total Model versions refused (corrupt or unreadable).', '# TYPE textclass_model_reloads_refused_total counter', `textclass_model_reloads_refused_total ${g.refusedReloads}`);
    return lines.join('\n') + '\n';
  }
}

function esc(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
