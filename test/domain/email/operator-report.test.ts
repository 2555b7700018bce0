import { describe, expect, it } from 'vitest';
import { composeOperatorReport } from '../../../functions/domain/email';

describe('composeOperatorReport', () => {
  it('names the kind, the source, the file and the reason', () => {
    // Act
    const email = composeOperatorReport('quarantine', {
      source: 'ddp',
      file: 'raw/ddp/ab12.xlsx',
      reason: 'missing column "Detainer Lift Reason"',
    });

    // Assess
    expect(email.subject).toBe('[detainer-watch] Release quarantined: ddp — raw/ddp/ab12.xlsx');
    expect(email.text).toContain('Reason: missing column "Detainer Lift Reason"');
    expect(email.text).toContain('Nothing from this file was stored or sent to subscribers.');
    expect(email.html).toContain('missing column &quot;Detainer Lift Reason&quot;');
  });

  it('lists the unresolved facilities of a low resolution rate, largest first', () => {
    // Act
    const email = composeOperatorReport('low-resolution', {
      source: 'ddp',
      reason: 'resolution rate 61.2% below 90%',
      unresolved: [
        { name: 'US MARSHALS, COLORADO', declined: 4 },
        { name: 'EVERGALDES CORR. INSTITUTION', declined: 31 },
      ],
    });

    // Assess
    expect(email.subject).toBe('[detainer-watch] Too few detainers placed in a county: ddp');
    expect(email.text).toMatch(/- EVERGALDES CORR. INSTITUTION: 31\n {2}- US MARSHALS, COLORADO: 4/);
  });

  it('keeps a hostile file name out of the headers and the markup', () => {
    // Act
    const email = composeOperatorReport('source-failing', {
      source: 'demo',
      file: 'x.xlsx\r\nBcc: a@b <script>',
      reason: '5 failures in a row',
    });

    // Assess
    expect(email.subject).toBe('[detainer-watch] Source failing repeatedly: demo — x.xlsx Bcc: a@b <script>');
    expect(email.subject).not.toMatch(/[\r\n]/);
    expect(email.html).not.toContain('<script>');
  });
});
