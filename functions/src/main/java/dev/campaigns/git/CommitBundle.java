package dev.campaigns.git;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
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

    /** Below this many bytes of objects a bundle is deflated on the calling thread alone. */
    private static final long PARALLEL_BYTES = 1 << 20;

    /**
     * Writes the bundle: header lines, then an undeltified pack of {@code objects}. Deflating is most of the
     * cost, and pack entries are independent, so a large bundle's objects are deflated in contiguous slices on
     * the calling thread and the engine's helper threads ({@code parallel}) and the slices concatenated in
     * order: the bytes are the same as deflating them one by one.
     */
    static byte[] write(ObjectId base, ObjectId commit, Map<ObjectId, NewObjects.Obj> objects, int level, ParallelWork parallel) {
        List<NewObjects.Obj> list = new ArrayList<>(objects.values());
        long total = 0;
        for (NewObjects.Obj o : list) {
            total += o.data().length + 32;
        }
        int slices = total < PARALLEL_BYTES ? 1 : Math.max(1, Math.min(list.size(), parallel.parallelism()));
        List<List<NewObjects.Obj>> parts = new ArrayList<>();
        long per = total / slices + 1;
        List<NewObjects.Obj> part = new ArrayList<>();
        long size = 0;
        for (NewObjects.Obj o : list) {
            part.add(o);
            size += o.data().length + 32;
            if (size >= per && parts.size() < slices - 1) {
                parts.add(part);
                part = new ArrayList<>();
                size = 0;
            }
        }
        parts.add(part);
        Slice[] slice = new Slice[parts.size()];
        AtomicInteger next = new AtomicInteger();
        parallel.run(parts.size() - 1, callingThread -> {
            for (int i = next.getAndIncrement(); i < slice.length; i = next.getAndIncrement()) {
                slice[i] = Slice.deflate(parts.get(i), level);
            }
        });
        List<Slice> done = Arrays.asList(slice);

        byte[] header = (HEADER + "-" + base.name() + "\n" + commit.name() + " " + REF + "\n\n").getBytes(StandardCharsets.US_ASCII);
        long length = header.length + 12L + Constants.OBJECT_ID_LENGTH;
        for (Slice sl : done) {
            length += sl.size();
        }
        if (length > Integer.MAX_VALUE - 64) {
            throw new PatchTooLargeException("the commit's new objects make a bundle above 2 GiB");
        }
        byte[] all = new byte[(int) length];
        System.arraycopy(header, 0, all, 0, header.length);
        int packStart = header.length;
        ByteBuffer.wrap(all, packStart, 12).put(new byte[] {'P', 'A', 'C', 'K'}).putInt(2).putInt(objects.size());
        int at = packStart + 12;
        for (Slice sl : done) {
            at += sl.copyTo(all, at);
        }
        MessageDigest sha1 = NewObjects.newSha1();
        sha1.update(all, packStart, at - packStart);
        System.arraycopy(sha1.digest(), 0, all, at, Constants.OBJECT_ID_LENGTH);
        return all;
    }

    /** Consecutive pack entries (type and size header, deflated data), deflated together. */
    private static final class Slice extends ByteArrayOutputStream {
        Slice(int size) {
            super(size);
        }

        int copyTo(byte[] dst, int at) {
            System.arraycopy(buf, 0, dst, at, count);
            return count;
        }

        static Slice deflate(List<NewObjects.Obj> objects, int level) {
            long estimate = 64;
            for (NewObjects.Obj o : objects) {
                estimate += o.data().length / 2 + 32;
            }
            Slice out = new Slice((int) Math.min(estimate, Integer.MAX_VALUE - 64));
            Deflater deflater = new Deflater(level);
            byte[] chunk = new byte[64 * 1024];
            try {
                for (NewObjects.Obj o : objects) {
                    writeHeader(out, o.type(), o.data().length);
                    deflater.reset();
                    deflater.setInput(o.data());
                    deflater.finish();
                    while (!deflater.finished()) {
                        int n = deflater.deflate(chunk);
                        out.write(chunk, 0, n);
                    }
                }
            } finally {
                deflater.end();
            }
            return out;
        }
    }

    private static void writeHeader(ByteArrayOutputStream out, int type, long size) {
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
