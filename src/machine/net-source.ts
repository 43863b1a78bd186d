// The host side of the NIC: a traffic source that offers UDP/IPv4 frames at
// a fixed rate in packets per second of virtual time, as a packet generator
// on the other end of the wire would (pktgen, a load balancer's flood).
// Packet k (0, 1, ...) arrives at cycle start + ceil((k + 1) * 1e9 / pps),
// where start is when the link came up (DRIVER_OK) or SOURCE_START, the later:
// a function of virtual time alone, so delivery is the same on every host.
//
// Each frame is a minimal valid Ethernet II + IPv4 + UDP datagram
// (RFC 894, RFC 791 with its header checksum, RFC 768 with checksum 0,
// "no checksum", allowed over IPv4) from 10.0.2.2:9 to the guest's
// 10.0.2.15 (QEMU user networking's addresses), carrying a 64-bit
// big-endian sequence number and a fixed pattern: 74 bytes on the wire.

/** The guest's address, the source's address and MAC (QEMU slirp's defaults). */
export const GUEST_IP = [10, 0, 2, 15], HOST_IP = [10, 0, 2, 2];
export const HOST_MAC = [0x52, 0x55, 0x0a, 0x00, 0x02, 0x02];
export const SOURCE_PORT = 9; // discard
/** UDP payload bytes: the sequence number and a pattern. */
export const PAYLOAD = 32;
export const ETH_HLEN = 14, IP_HLEN = 20, UDP_HLEN = 8;
export const FRAME_LEN = ETH_HLEN + IP_HLEN + UDP_HLEN + PAYLOAD;

export interface SourceOptions {
  /** Packets per second of virtual time; 0 offers none. */
  pps: number;
  /** The UDP destination port. */
  port: number;
  /** The cycle before which nothing arrives, even with the link up (default SOURCE_START): the flood starts once the receiver is ready. */
  start?: number;
}

/** When the traffic starts by default: 1 ms into the run, after boot and the receiver's bind. */
export const SOURCE_START = 1_000_000;

export class NetSource {
  /** Packets offered so far (the next one's sequence number). */
  offered = 0;
  /** The cycle the source started at (the link came up), or Infinity while it waits. */
  private start = Infinity;

  constructor(readonly opts: SourceOptions) {}

  /** The link is up at `cycle`: packets start to arrive after it. */
  begin(cycle: number): void { if (this.start === Infinity) this.start = Math.max(cycle, this.opts.start ?? SOURCE_START); }

  /** The link went down (device reset): nothing more arrives until begin. */
  stop(): void { this.start = Infinity; }

  /** The cycle at which the next packet arrives (Infinity: none will). */
  get next(): number {
    if (this.opts.pps <= 0 || this.start === Infinity) return Infinity;
    return this.start + Math.ceil(((this.offered + 1) * 1e9) / this.opts.pps);
  }

  /** The next packet's frame; counts it offered. */
  take(mac: readonly number[]): Uint8Array {
    return udpFrame(mac, this.opts.port, this.offered++);
  }
}

/** An Ethernet frame carrying a UDP datagram with sequence number `seq` to the guest's `port`. */
export function udpFrame(mac: readonly number[], port: number, seq: number): Uint8Array {
  const f = new Uint8Array(FRAME_LEN), v = new DataView(f.buffer);
  f.set(mac, 0);
  f.set(HOST_MAC, 6);
  v.setUint16(12, 0x0800); // ETH_P_IP
  const ip = ETH_HLEN;
  f[ip] = 0x45; // version 4, IHL 5
  v.setUint16(ip + 2, IP_HLEN + UDP_HLEN + PAYLOAD);
  v.setUint16(ip + 4, seq & 0xffff); // identification
  v.setUint16(ip + 6, 0x4000); // DF
  f[ip + 8] = 64; // TTL
  f[ip + 9] = 17; // IPPROTO_UDP
  f.set(HOST_IP, ip + 12);
  f.set(GUEST_IP, ip + 16);
  v.setUint16(ip + 10, ipChecksum(f.subarray(ip, ip + IP_HLEN)));
  const udp = ip + IP_HLEN;
  v.setUint16(udp, SOURCE_PORT);
  v.setUint16(udp + 2, port);
  v.setUint16(udp + 4, UDP_HLEN + PAYLOAD);
  v.setUint32(udp + 8, Math.floor(seq / 4294967296));
  v.setUint32(udp + 12, seq >>> 0);
  for (let i = 8; i < PAYLOAD; i++) f[udp + UDP_HLEN + i] = i;
  return f;
}

/** The Internet checksum (RFC 1071) of a header whose checksum field is zero: one's complement of the one's-complement sum. */
export function ipChecksum(h: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i + 1 < h.length; i += 2) sum += (h[i] << 8) | h[i + 1];
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}
