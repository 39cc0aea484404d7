// Small inline SVG charts: a bar per day, optionally stacked by series. The numbers are also in a
// visually hidden table, so a screen reader gets the data, not a picture.
import { useTranslation } from 'react-i18next';

export interface ChartSeries {
  key: string;
  label: string;
  color: string;
}

export interface BarChartProps {
  title: string;
  /** x labels, in order (e.g. dates). */
  categories: string[];
  series: ChartSeries[];
  /** values[seriesKey][categoryIndex]: counts (whole numbers). */
  values: Record<string, number[]>;
  formatValue?: (value: number) => string;
}

const WIDTH = 640;
const HEIGHT = 220;
const PAD = { top: 12, right: 8, bottom: 34, left: 40 };

/** A round top for the axis whose half is a whole number too: 4, 10, 20, 50, 100, … */
function niceMax(value: number): number {
  if (value <= 4) return 4;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (value <= step * magnitude && (step * magnitude) % 2 === 0) return step * magnitude;
  return 10 * magnitude;
}

export function BarChart({ title, categories, series, values, formatValue = String }: BarChartProps) {
  const { t } = useTranslation();
  const totals = categories.map((_, i) => series.reduce((sum, s) => sum + (values[s.key]?.[i] ?? 0), 0));
  const max = niceMax(Math.max(0, ...totals));
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const slot = categories.length ? plotW / categories.length : plotW;
  const barW = Math.max(2, Math.min(36, slot * 0.7));
  const y = (v: number) => PAD.top + plotH - (v / max) * plotH;
  const labelEvery = Math.ceil(categories.length / 8);
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={title} preserveAspectRatio="xMidYMid meet">
        {[0, 0.5, 1].map((f) => (
          <g key={f}>
            <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y(max * f)} y2={y(max * f)} className="grid" />
            <text x={PAD.left - 6} y={y(max * f) + 4} textAnchor="end" className="axis">
              {formatValue(max * f)}
            </text>
          </g>
        ))}
        {categories.map((category, i) => {
          let base = 0;
          const x = PAD.left + slot * i + (slot - barW) / 2;
          return (
            <g key={category}>
              {series.map((s) => {
                const v = values[s.key]?.[i] ?? 0;
                if (v <= 0) return null;
                const top = y(base + v);
                const height = y(base) - top;
                base += v;
                return (
                  <rect key={s.key} x={x} y={top} width={barW} height={Math.max(1, height)} fill={s.color}>
                    <title>{`${category} · ${s.label}: ${formatValue(v)}`}</title>
                  </rect>
                );
              })}
              {i % labelEvery === 0 ? (
                <text x={x + barW / 2} y={HEIGHT - PAD.bottom + 16} textAnchor="middle" className="axis">
                  {category.slice(5)}
                </text>
              ) : null}
            </g>
          );
        })}
      </svg>
      {series.length > 1 ? (
        <ul className="legend" aria-hidden="true">
          {series.map((s) => (
            <li key={s.key}>
              <span className="swatch" style={{ background: s.color }} /> {s.label}
            </li>
          ))}
        </ul>
      ) : null}
      <table className="visually-hidden">
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col">{t('console.overview.day')}</th>
            {series.map((s) => (
              <th key={s.key} scope="col">
                {s.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {categories.map((category, i) => (
            <tr key={category}>
              <th scope="row">{category}</th>
              {series.map((s) => (
                <td key={s.key}>{formatValue(values[s.key]?.[i] ?? 0)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
