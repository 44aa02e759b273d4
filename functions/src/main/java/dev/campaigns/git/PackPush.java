package dev.campaigns.git;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.transport.PacketLineIn;
import org.eclipse.jgit.transport.PacketLineOut;

/**
 * git's receive-pack protocol (v0, as {@code git push} speaks it), with a pack made beforehand: the commit
 * step's bundle already holds exactly the objects a push of the commit must send (its new blobs, trees and
 * the commit; unchanged subtrees and files are referenced by id and are in the base the remote has), so the
 * push sends that pack verbatim instead of letting JGit's {@code PackWriter} walk the base's trees to work
 * it out. The push step therefore needs neither the base nor its trees, only the bundle.
 *
 * <p>This class is the wire format only (advertisement, command, report-status, side-band); the bytes travel
 * through {@link PackPushTransport} (smart HTTP with {@code java.net.http}, or {@code file://} pipes to JGit's
 * {@code ReceivePack} in process). JGit's {@link PacketLineIn}/{@link PacketLineOut} read and write the pkt-lines.
 */
final class PackPush {
    private PackPush() {}

    /** What a receive-pack server advertised: refs (and {@code .have} objects) and its capabilities. */
    record Advertisement(Map<String, ObjectId> refs, Set<ObjectId> objects, Set<String> capabilities) {
        /** Whether the server advertised {@code id} (a ref at it, or a {@code .have}). */
        boolean has(ObjectId id) {
            return objects.contains(id);
        }
    }

    /**
     * The server's report-status: the unpack result and, for our one ref, ok or ng with its reason (and what the
     * server said on side-band channel 3). {@link JGitPushTransport} reports JGit's outcome in the same form.
     */
    record Report(String unpack, boolean ok, String reason, String serverErrors) {
        boolean unpackOk() {
            return "ok".equals(unpack);
        }
    }

    /**
     * Reads an advertisement up to its flush-pkt. An HTTP one starts with {@code # service=git-receive-pack}
     * and a flush-pkt: {@code http} skips them.
     */
    static Advertisement readAdvertisement(InputStream in, boolean http) throws IOException {
        PacketLineIn p = new PacketLineIn(in);
        if (http) {
            String first = p.readString();
            if (!first.startsWith("# service=git-receive-pack")) {
                throw new IOException("not a git-receive-pack advertisement: " + first.substring(0, Math.min(60, first.length())));
            }
            String next = p.readString();
            if (!PacketLineIn.isEnd(next)) {
                throw new IOException("no flush-pkt after the service line");
            }
        }
        Map<String, ObjectId> refs = new HashMap<>();
        Set<ObjectId> objects = new HashSet<>();
        Set<String> caps = new HashSet<>();
        boolean first = true;
        for (String line = p.readString(); !PacketLineIn.isEnd(line); line = p.readString()) {
            if (first) {
                int nul = line.indexOf('\0');
                if (nul >= 0) {
                    for (String c : line.substring(nul + 1).trim().split(" ")) {
                        if (!c.isEmpty()) {
                            caps.add(c);
                        }
                    }
                    line = line.substring(0, nul);
                }
                first = false;
            }
            if (line.length() < 42 || line.charAt(40) != ' ' || !ObjectId.isId(line.substring(0, 40))) {
                continue; // "shallow <id>" and the like
            }
            ObjectId id = ObjectId.fromString(line.substring(0, 40));
            String name = line.substring(41);
            if (id.equals(ObjectId.zeroId())) {
                continue; // "capabilities^{}" of an empty repository
            }
            objects.add(id);
            if (!name.equals(".have")) {
                refs.put(name, id);
            }
        }
        return new Advertisement(refs, objects, caps);
    }

    /** The capabilities we ask for: report-status always, side-band-64k, quiet and agent when advertised. */
    static List<String> capabilities(Advertisement a) {
        List<String> out = new ArrayList<>(List.of("report-status"));
        if (a.capabilities().contains("side-band-64k")) {
            out.add("side-band-64k");
        }
        if (a.capabilities().contains("quiet")) {
            out.add("quiet");
        }
        if (a.capabilities().stream().anyMatch(c -> c.startsWith("agent="))) {
            out.add("agent=campaigns-git-engine");
        }
        return out;
    }

    /**
     * Writes the update command ({@code <old> <commit> <ref>\0<capabilities>}; {@code old} the zero id to create),
     * the flush-pkt, then the pack.
     */
    static void writeRequest(OutputStream out, List<String> caps, ObjectId old, ObjectId commit, String ref, byte[] pack) throws IOException {
        PacketLineOut p = new PacketLineOut(out);
        p.writeString(old.name() + " " + commit.name() + " " + ref + "\0" + String.join(" ", caps));
        p.end();
        out.write(pack);
        out.flush();
    }

    /** Reads the report-status, from side-band channel 1 when side-band was asked for. */
    static Report readReport(InputStream in, boolean sideBand, String ref) throws IOException {
        StringBuilder errors = new StringBuilder();
        InputStream report = in;
        if (sideBand) {
            ByteArrayOutputStream data = new ByteArrayOutputStream();
            byte[] len = new byte[4];
            while (true) {
                readFully(in, len, 4);
                int n = Integer.parseInt(new String(len, StandardCharsets.US_ASCII), 16);
                if (n == 0) {
                    if (data.size() == 0) {
                        continue; // JGit's ReceivePack can send a flush-pkt ahead of the report (seen under contention)
                    }
                    break;
                }
                if (n < 5) {
                    throw new IOException("bad side-band packet length " + n);
                }
                byte[] body = new byte[n - 4];
                readFully(in, body, body.length);
                switch (body[0]) {
                    case 1 -> data.write(body, 1, body.length - 1);
                    case 2 -> { } // progress
                    case 3 -> errors.append(new String(body, 1, body.length - 1, StandardCharsets.UTF_8).trim());
                    default -> throw new IOException("bad side-band channel " + body[0]);
                }
                if (body[0] == 3) {
                    break; // fatal error: nothing more comes
                }
            }
            report = new ByteArrayInputStream(data.toByteArray());
        }
        PacketLineIn p = new PacketLineIn(report);
        String unpack;
        try {
            unpack = p.readString();
        } catch (EOFException e) {
            throw new IOException("no report-status from the server" + (errors.length() > 0 ? ": " + errors : ""), e);
        }
        if (!unpack.startsWith("unpack ")) {
            throw new IOException("bad report-status line: " + unpack);
        }
        boolean ok = false;
        String reason = null;
        for (String line = p.readString(); !PacketLineIn.isEnd(line); line = p.readString()) {
            if (line.equals("ok " + ref)) {
                ok = true;
            } else if (line.startsWith("ng " + ref + " ")) {
                reason = line.substring(4 + ref.length());
            } else if (line.startsWith("ng " + ref)) {
                reason = "rejected";
            }
        }
        if (!ok && reason == null) {
            reason = "no status for " + ref;
        }
        return new Report(unpack.substring(7), ok, reason, errors.toString());
    }

    private static void readFully(InputStream in, byte[] b, int n) throws IOException {
        int off = 0;
        while (off < n) {
            int r = in.read(b, off, n - off);
            if (r < 0) {
                throw new EOFException("the server closed the connection");
            }
            off += r;
        }
    }
}
