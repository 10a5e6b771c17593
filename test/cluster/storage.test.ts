/** @module Network file system detection behind the warning for a shared embedded catalog. */
import { expect, test } from "bun:test";
import { tmpdir } from "node:os";
import { networkFsOf, networkFsOfType } from "../../src/catalog/cluster-storage.ts";

test("statfs magic numbers of network file systems are named, local ones are not", () => {
  expect(networkFsOfType(0x6969)).toBe("NFS");
  expect(networkFsOfType(0xfe534d42)).toBe("SMB2");
  expect(networkFsOfType(-0x1acb2be)).toBe("SMB2"); // the same magic read as a signed int32
  expect(networkFsOfType(0x65735546)).toBe("FUSE");
  expect(networkFsOfType(0xef53)).toBeUndefined(); // ext4
  expect(networkFsOfType(0x01021994)).toBeUndefined(); // tmpfs
});

test("a missing folder is not reported as a network one", () => {
  expect(networkFsOf(`${tmpdir()}/no-such-folder-${process.pid}`)).toBeUndefined();
});
