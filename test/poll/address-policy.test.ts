import { describe, expect, it } from 'vitest';
import { addressRefusal } from '../../functions/poll/address-policy';

describe('addressRefusal', () => {
  it.each([
    ['169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['10.0.0.5', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.0.1', 'private'],
    ['100.64.0.1', 'private'],
    ['fd12:3456::1', 'unique-local'],
    ['127.0.0.1', 'loopback'],
    ['127.8.8.8', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['239.1.1.1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['64:ff9b::a9fe:a9fe', 'IPv4-embedding (NAT64/6to4/Teredo)'],
  ])('refuses %s as %s', (address, kind) => {
    // Act
    const reason = addressRefusal(address);

    // Assess
    expect(reason).toBe(`${address} is a ${kind} address`);
  });

  it.each(['93.184.216.34', '172.32.0.1', '2606:4700::6810:84e5', '8.8.8.8'])('allows the public address %s', (address) => {
    // Act
    const reason = addressRefusal(address);

    // Assess
    expect(reason).toBeUndefined();
  });

  it('allows loopback only when asked, and never link-local or private with it', () => {
    // Act
    const loopback = [addressRefusal('127.0.0.1', true), addressRefusal('::1', true)];
    const others = [addressRefusal('169.254.169.254', true), addressRefusal('10.0.0.5', true)];

    // Assess
    expect(loopback).toEqual([undefined, undefined]);
    expect(others).toEqual(['169.254.169.254 is a link-local address', '10.0.0.5 is a private address']);
  });

  it('names a non-address as such', () => {
    // Act
    const reason = addressRefusal('example.org');

    // Assess
    expect(reason).toBe('example.org is not an IP address');
  });
});
