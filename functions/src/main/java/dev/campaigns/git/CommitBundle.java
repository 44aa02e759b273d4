package dev.campaigns.git;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.io.DataOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;

/**
 * The durable form of a commit between the commit step and the push step: a standard git bundle (v2) whose
 * only prerequisite is the base commit, whose only ref is the commit, and whose pack holds exactly the objects
 * the commit added (new blobs, the rewritten trees, the commit) — small, and readable by {@code git bundle
 * verify} / {@code git fetch} for debugging.
 *
 * <p>It is stored under {@code commit/<sha>}. Because a commit SHA names its whole content (tree, parent,
 * identity, date, message), the bundle for a key can never legitimately differ: the value is content-addressed
 * and immutable, so any {@link dev.campaigns.blob.BlobStore} that keeps what was put (first write wins) is
 * enough, and a retried commit step writing it again is harmless.
 */
final class CommitBundle {
    static final String KEY_PREFIX = "commit/";
    private static final String HEADER = "# v2 git bundle\n";
    private static final String REF = "refs/campaigns/commit";

    final ObjectId base;
    final ObjectId commit;
    /** The pack stream ("PACK" ... trailer), parsed on the push side by JGit's PackParser. */
    final byte[] pack;

    private CommitBundle(ObjectId base, ObjectId commit, byte[] pack) {
        this.base = base;
        this.commit = commit;
        this.pack = pack;
    }

    static String key(ObjectId commit) {
        return KEY_PREFIX + commit.name();
    }

    /** A written bundle, with what it takes to install its pack in a repository without re-reading it. */
    record Written(byte[] bytes, int packStart, byte[] packChecksum, List<Entry> entries) {
        record Entry(ObjectId id, long offset, long crc) {}

        /** The pack's bytes (the bundle without its header lines). */
        byte[] pack() {
            return Arrays.copyOfRange(bytes, packStart, bytes.length);
        }

        /** A version 2 pack index (.idx) of the pack: sorted ids, CRC-32s, offsets, checksums. */
        byte[] index() {
            List<Entry> sorted = new ArrayList<>(entries);
            sorted.sort((x, y) -> x.id().compareTo(y.id()));
            try {
                MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
                ByteArrayOutputStream out = new ByteArrayOutputStream(1100 + sorted.size() * 40);
                DataOutputStream d = new DataOutputStream(new java.security.DigestOutputStream(out, sha1));
                d.write(new byte[] {(byte) 0xff, 't', 'O', 'c'});
                d.writeInt(2);
                int[] fanout = new int[256];
                for (Entry e : sorted) {
                    fanout[e.id().getFirstByte()]++;
                }
                int total = 0;
                for (int i = 0; i < 256; i++) {
                    total += fanout[i];
                    d.writeInt(total);
                }
                byte[] raw = new byte[Constants.OBJECT_ID_LENGTH];
                for (Entry e : sorted) {
                    e.id().copyRawTo(raw, 0);
                    d.write(raw);
                }
                for (Entry e : sorted) {
                    d.writeInt((int) e.crc());
                }
                List<Long> large = new ArrayList<>();
                for (Entry e : sorted) {
                    if (e.offset() < 0x80000000L) {
                        d.writeInt((int) e.offset());
                    } else {
                        d.writeInt(0x80000000 | large.size());
                        large.add(e.offset());
                    }
                }
                for (long off : large) {
                    d.writeLong(off);
                }
                d.write(packChecksum);
                d.flush();
                out.write(sha1.digest());
                return out.toByteArray();
            } catch (IOException | NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Writes the bundle: header lines, then an undeltified pack of {@code objects}. */
    static Written write(ObjectId base, ObjectId commit, Map<ObjectId, NewObjects.Obj> objects, int level) {
        try {
            long estimate = 256;
            for (NewObjects.Obj o : objects.values()) {
                estimate += o.data().length + 32;
            }
            ByteArrayOutputStream buf = new ByteArrayOutputStream((int) Math.min(estimate, Integer.MAX_VALUE - 64));
            buf.write((HEADER + "-" + base.name() + "\n" + commit.name() + " " + REF + "\n\n")
                    .getBytes(StandardCharsets.US_ASCII));
            int packStart = buf.size();
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            CRC32 crc = new CRC32();
            OutputStream pack = new OutputStream() {
                @Override
                public void write(int b) {
                    buf.write(b);
                    sha1.update((byte) b);
                    crc.update(b);
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    buf.write(b, off, len);
                    sha1.update(b, off, len);
                    crc.update(b, off, len);
                }
            };
            pack.write(new byte[] {'P', 'A', 'C', 'K'});
            pack.write(ByteBuffer.allocate(8).putInt(2).putInt(objects.size()).array());
            List<Written.Entry> entries = new ArrayList<>(objects.size());
            Deflater deflater = new Deflater(level);
            byte[] chunk = new byte[64 * 1024];
            try {
                for (Map.Entry<ObjectId, NewObjects.Obj> e : objects.entrySet()) {
                    NewObjects.Obj o = e.getValue();
                    long offset = buf.size() - packStart;
                    crc.reset();
                    writeHeader(pack, o.type(), o.data().length);
                    deflater.reset();
                    deflater.setInput(o.data());
                    deflater.finish();
                    while (!deflater.finished()) {
                        int n = deflater.deflate(chunk);
                        pack.write(chunk, 0, n);
                    }
                    entries.add(new Written.Entry(e.getKey(), offset, crc.getValue()));
                }
            } finally {
                deflater.end();
            }
            byte[] checksum = sha1.digest();
            buf.write(checksum);
            return new Written(buf.toByteArray(), packStart, checksum, entries);
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void writeHeader(OutputStream out, int type, long size) throws IOException {
        int b = (type << 4) | (int) (size & 0x0f);
        size >>>= 4;
        while (size != 0) {
            out.write(b | 0x80);
            b = (int) (size & 0x7f);
            size >>>= 7;
        }
        out.write(b);
    }

    /** Reads what {@link #write} wrote; anything else is a corrupt bundle. */
    static CommitBundle read(byte[] data) {
        String text = new String(data, 0, Math.min(data.length, 200), StandardCharsets.US_ASCII);
        String[] lines = text.split("\n", 5);
        if (lines.length < 5 || !(lines[0] + "\n").equals(HEADER) || !lines[1].startsWith("-") || !lines[3].isEmpty()) {
            throw new IllegalStateException("corrupt commit bundle (bad header)");
        }
        String baseHex = lines[1].substring(1).strip();
        String[] ref = lines[2].split(" ");
        if (!ObjectId.isId(baseHex) || ref.length != 2 || !ObjectId.isId(ref[0])) {
            throw new IllegalStateException("corrupt commit bundle (bad ids)");
        }
        int headerLength = lines[0].length() + lines[1].length() + lines[2].length() + 4;
        byte[] pack = java.util.Arrays.copyOfRange(data, headerLength, data.length);
        if (pack.length < 12 + Constants.OBJECT_ID_LENGTH || pack[0] != 'P' || pack[1] != 'A' || pack[2] != 'C' || pack[3] != 'K') {
            throw new IllegalStateException("corrupt commit bundle (no pack)");
        }
        return new CommitBundle(ObjectId.fromString(baseHex), ObjectId.fromString(ref[0]), pack);
    }

    InputStream packStream() {
        return new java.io.ByteArrayInputStream(pack);
    }
}
