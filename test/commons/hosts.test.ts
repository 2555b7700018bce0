import { describe, expect, it } from 'vitest';
import { hostAllowed } from '../../functions/commons/hosts';

describe('hostAllowed', () => {
  const ALLOWED = ['deportationdata.org', 'ucla.app.box.com', '*.boxcloud.com', 'localhost:8788'];

  it.each([
    ['https://deportationdata.org/data/ice.html', true],
    ['https://DeportationData.org/data/ice.html', true],
    ['https://ucla.app.box.com/index.php?rm=box_download_shared_file', true],
    ['https://public.boxcloud.com/d/1/b1!abc/download', true],
    ['https://dl2.boxcloud.com/d/1/x', true],
    ['http://localhost:8788/index.html', true],
  ])('allows %s', (url, allowed) => {
    // Assess
    expect(hostAllowed(new URL(url), ALLOWED)).toBe(allowed);
  });

  it.each([
    'https://boxcloud.com/d/1/x',
    'https://boxcloud.com.evil.example/d/1/x',
    'https://evilboxcloud.com/d/1/x',
    'https://www.deportationdata.org/',
    'https://box.com/shared/static/x.xlsx',
    'http://localhost:9999/',
  ])('refuses %s', (url) => {
    // Assess
    expect(hostAllowed(new URL(url), ALLOWED)).toBe(false);
  });
});
