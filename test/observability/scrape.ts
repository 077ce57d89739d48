import parsePrometheusTextFormat from 'parse-prometheus-text-format';

export type Labels = Record<string, string>;

type Families = ReturnType<typeof parsePrometheusTextFormat>;

/**
 * One scrape of `/metrics`, parsed by a Prometheus text-format parser (not a regular expression). The parser merges
 * the label sets of a histogram into one sample (prom2json's shape for unlabelled ones), so histograms are read a
 * second time without their `# HELP` and `# TYPE` lines: their `_count` samples are then plain samples, each with its labels.
 */
export class Scrape {
  private constructor(
    readonly families: Families,
    private readonly histogramSamples: Families,
    readonly contentType: string,
  ) {}

  static async of(url: string): Promise<Scrape> {
    const res = await fetch(url);
    if (res.status !== 200) throw new Error(`GET ${url}: ${res.status}`);
    const text = await res.text();
    const families = parsePrometheusTextFormat(text);
    const histograms = families.filter((f) => f.type === 'HISTOGRAM').map((f) => f.name);
    const untypedHistograms = text
      .split('\n')
      .filter(
        (line) => !histograms.some((h) => line.startsWith(`# TYPE ${h} `) || line.startsWith(`# HELP ${h} `)),
      )
      .join('\n');
    return new Scrape(
      families,
      parsePrometheusTextFormat(untypedHistograms),
      res.headers.get('content-type') ?? '',
    );
  }

  family(name: string) {
    const f = this.families.find((x) => x.name === name);
    if (!f) throw new Error(`no series ${name} in the scrape`);
    return f;
  }

  private samples(name: string, labels: Labels) {
    return this.family(name).metrics.filter((m) =>
      Object.entries(labels).every(([k, v]) => (m.labels ?? {})[k] === v),
    );
  }

  /** The sum of the values of a counter or gauge over the samples matching `labels` (0 when none match). */
  value(name: string, labels: Labels = {}): number {
    return this.samples(name, labels).reduce((n, m) => n + Number(m.value), 0);
  }

  /** The observation count of a histogram over the label sets matching `labels`. */
  count(name: string, labels: Labels = {}): number {
    if (this.family(name).type !== 'HISTOGRAM') throw new Error(`${name} is not a histogram`);
    return this.histogramCounts(name)
      .filter((m) => Object.entries(labels).every(([k, v]) => (m.labels ?? {})[k] === v))
      .reduce((n, m) => n + Number(m.value), 0);
  }

  /** Every value one label takes in a family (for a histogram: over its `_count` samples). */
  labelValues(name: string, label: string): string[] {
    const f = this.family(name);
    const metrics = f.type === 'HISTOGRAM' ? this.histogramCounts(name) : f.metrics;
    return [...new Set(metrics.map((m) => (m.labels ?? {})[label]).filter(Boolean))];
  }

  private histogramCounts(name: string) {
    return this.histogramSamples.filter((f) => f.name === `${name}_count`).flatMap((f) => f.metrics);
  }
}
