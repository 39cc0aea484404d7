// Files behind a bearer token (CSV exports, PDF receipts) cannot be plain links: fetch them,
// report progress as the bytes arrive (an export can be long), then hand the browser a file.
import { send, type RequestOptions } from './client.ts';

export interface DownloadProgress {
  bytes: number;
  /** From Content-Length; null when the server streams without one. */
  total: number | null;
}

function filenameOf(response: Response, fallback: string): string {
  const disposition = response.headers.get('content-disposition') ?? '';
  const match = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition);
  return match?.[1] ? decodeURIComponent(match[1]) : fallback;
}

export async function downloadFile(
  path: string,
  options: RequestOptions & { fallbackName: string; onProgress?: (progress: DownloadProgress) => void },
): Promise<{ name: string; bytes: number }> {
  const response = await send(path, options);
  const totalHeader = response.headers.get('content-length');
  const total = totalHeader && /^\d+$/.test(totalHeader) ? Number.parseInt(totalHeader, 10) : null;
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  if (response.body) {
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      bytes += value.byteLength;
      options.onProgress?.({ bytes, total });
    }
  }
  const blob = new Blob(chunks as BlobPart[], { type: response.headers.get('content-type') ?? 'application/octet-stream' });
  const name = filenameOf(response, options.fallbackName);
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
  return { name, bytes };
}

/** Opens a PDF (or any file) in a new tab without exposing the token in a URL. */
export async function openFile(path: string, options: RequestOptions): Promise<void> {
  const response = await send(path, options);
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  window.open(url, '_blank', 'noopener');
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
