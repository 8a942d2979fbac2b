import { describe, expect, it } from "vitest";
import { addressCategory, judgeAddress, parseIpv6 } from "../../../federation/addresses";

describe("addressCategory", () => {
  it.each([
    // public
    ["93.184.216.34", null],
    ["1.1.1.1", null],
    ["8.8.8.8", null],
    ["172.32.0.1", null], // just outside 172.16/12
    ["100.128.0.1", null], // just outside 100.64/10
    ["2606:4700:4700::1111", null],
    ["2a00:1450:4001:80b::200e", null],
    // loopback and "this host"
    ["127.0.0.1", "loopback"],
    ["127.255.255.254", "loopback"],
    ["::1", "loopback"],
    ["0.0.0.0", "unspecified"],
    ["0.1.2.3", "unspecified"],
    ["::", "unspecified"],
    // private, shared, link-local, unique-local
    ["10.0.0.1", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.168.1.10", "private"],
    ["100.64.0.1", "shared-cgnat"],
    ["100.127.255.255", "shared-cgnat"],
    ["169.254.1.1", "link-local"],
    ["fe80::1", "link-local"],
    ["fe80::1%eth0", "link-local"],
    ["fc00::1", "unique-local"],
    ["fd12:3456:789a::1", "unique-local"],
    // cloud metadata
    ["169.254.169.254", "metadata"],
    ["fd00:ec2::254", "metadata"],
    ["100.100.100.200", "metadata"],
    ["192.0.0.192", "metadata"],
    // multicast, reserved
    ["224.0.0.1", "multicast"],
    ["239.255.255.250", "multicast"],
    ["ff02::1", "multicast"],
    ["255.255.255.255", "reserved"],
    ["240.0.0.1", "reserved"],
    ["192.0.2.1", "reserved"],
    ["198.18.0.1", "reserved"],
    ["2001:db8::1", "reserved"],
    // IPv4 hidden in IPv6: judged by the IPv4 address
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:7f00:1", "loopback"],
    ["[::ffff:169.254.169.254]", "metadata"],
    ["::ffff:10.1.2.3", "private"],
    ["::ffff:93.184.216.34", null],
    ["64:ff9b::127.0.0.1", "loopback"],
    ["64:ff9b::a9fe:a9fe", "metadata"],
    ["2002:7f00:1::", "loopback"], // 6to4 of 127.0.0.1
    ["2002:5db8:d822::1", null], // 6to4 of a public address
    ["::127.0.0.1", "reserved"], // deprecated IPv4-compatible
    // not addresses
    ["example.org", "invalid"],
    ["1.2.3", "invalid"],
  ])("%s is %s", (address, category) => {
    expect(addressCategory(address)).toBe(category);
  });
});

describe("judgeAddress", () => {
  it("opens loopback, private, link-local, unique-local and CGNAT space only when the operator allows", () => {
    for (const address of ["127.0.0.1", "::1", "10.0.0.1", "169.254.1.1", "fd12::1", "100.64.0.1"]) {
      expect(judgeAddress(address, false).allowed).toBe(false);
      expect(judgeAddress(address, true).allowed).toBe(true);
    }
  });

  it("never opens metadata, unspecified, multicast or reserved addresses", () => {
    for (const address of ["169.254.169.254", "fd00:ec2::254", "0.0.0.0", "::", "224.0.0.1", "240.0.0.1", "::ffff:169.254.169.254"]) {
      expect(judgeAddress(address, true)).toMatchObject({ allowed: false });
    }
  });

  it("allows public addresses either way", () => {
    expect(judgeAddress("93.184.216.34", false)).toEqual({ allowed: true, address: "93.184.216.34" });
  });
});

describe("parseIpv6", () => {
  it("expands every written form to 16 bytes", () => {
    expect([...parseIpv6("::1")!]).toEqual([...new Array(15).fill(0), 1]);
    expect([...parseIpv6("::ffff:1.2.3.4")!].slice(10)).toEqual([0xff, 0xff, 1, 2, 3, 4]);
    expect([...parseIpv6("1:2:3:4:5:6:7:8")!]).toEqual([0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8]);
    expect([...parseIpv6("fe80::1%eth0")!].slice(0, 2)).toEqual([0xfe, 0x80]);
    expect(parseIpv6("1.2.3.4")).toBeNull();
    expect(parseIpv6("g::1")).toBeNull();
  });
});
