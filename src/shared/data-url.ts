/** Blob -> data: URL: the form bytes take through extension messages, which carry JSON, not buffers. */
export function blobToDataUrl(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result as string);
    reader.onerror = () => reject(reader.error ?? new Error('could not read the image bytes'));
    reader.readAsDataURL(blob);
  });
}
