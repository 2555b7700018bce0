/** Where a person finds an archived object: the local emulator's URL, or `s3://bucket/key`. */
export function archiveLocation(bucket: string, key: string, publicBaseUrl?: string): string {
  return publicBaseUrl ? `${publicBaseUrl.replace(/\/+$/, '')}/${key}` : `s3://${bucket}/${key}`;
}
