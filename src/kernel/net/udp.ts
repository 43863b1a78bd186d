// The receive protocol path for one frame: Ethernet II (RFC 894) → IPv4
// (RFC 791: version, header length, total length, header checksum,
// protocol, destination, no fragments) → UDP (RFC 768: length; checksum 0
// or not checked) → the bound UDP socket's receive queue (fs/inet.ts,
// fs/socket.ts), the work Linux does in netif_receive_skb → ip_rcv →
// udp_rcv → __udp_queue_rcv_skb. What the guest's interface accepts: its
// MAC or broadcast, and its address 10.0.2.15 (net-source.ts GUEST_IP).

import { ETH_HLEN, GUEST_IP, IP_HLEN, UDP_HLEN, ipChecksum } from '../../machine/index.js';
import type { Kernel } from '../kernel.js';
import { lookupUdp } from '../fs/inet.js';
import { AF_INET } from '../fs/sockaddr.js';

/** What became of one frame. */
export type RxResult = 'queued' | 'full' | 'noport' | 'bad';

const MAPPED = '00000000000000000000ffff';
const ipHex = (b: Uint8Array) => MAPPED + Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const GUEST = ipHex(Uint8Array.from(GUEST_IP));

/** Hands one received frame to the protocol; `onTaken` is told when the program reads it, or it is thrown away with its socket. */
export function udpInput(k: Kernel, frame: Uint8Array, mac: readonly number[], onDone: (read: boolean) => void): RxResult {
  if (frame.length < ETH_HLEN + IP_HLEN + UDP_HLEN) return 'bad';
  const v = new DataView(frame.buffer, frame.byteOffset, frame.length);
  const toUs = mac.every((b, i) => frame[i] === b) || frame.subarray(0, 6).every((b) => b === 0xff);
  if (!toUs || v.getUint16(12) !== 0x0800) return 'bad';
  const ip = ETH_HLEN, ihl = (frame[ip] & 0x0f) * 4, total = v.getUint16(ip + 2);
  if (frame[ip] >> 4 !== 4 || ihl < IP_HLEN || total < ihl + UDP_HLEN || ip + total > frame.length) return 'bad';
  if (ipChecksum(frame.subarray(ip, ip + ihl)) !== 0 || (v.getUint16(ip + 6) & 0x3fff) !== 0 || frame[ip + 9] !== 17) return 'bad';
  if (ipHex(frame.subarray(ip + 16, ip + 20)) !== GUEST) return 'bad';
  const udp = ip + ihl, len = v.getUint16(udp + 4);
  if (len < UDP_HLEN || udp + len > ip + total) return 'bad';
  const sock = lookupUdp(k, GUEST, v.getUint16(udp + 2));
  if (sock === undefined) return 'noport';
  const from = { family: AF_INET, ip: ipHex(frame.subarray(ip + 12, ip + 16)), port: v.getUint16(udp) } as const;
  return sock.receiveDatagram({ bytes: frame.slice(udp + UDP_HLEN, udp + len), from, done: onDone }) ? 'queued' : 'full';
}
