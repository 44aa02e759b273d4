package dev.campaigns.git;

import static org.eclipse.jgit.lib.Constants.OBJ_BLOB;

import dev.campaigns.git.ParsedPatch.FilePatch;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.DataFormatException;
import java.util.zip.InflaterInputStream;
import org.eclipse.jgit.diff.DiffEntry.ChangeType;
import org.eclipse.jgit.lib.AbbreviatedObjectId;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.patch.BinaryHunk;
import org.eclipse.jgit.util.RawParseUtils;
import org.eclipse.jgit.util.io.BinaryDeltaInputStream;
import org.eclipse.jgit.util.io.BinaryHunkInputStream;

/**
 * {@code GIT binary patch} hunks, as {@code git apply} applies them: a literal (the new content, deflated) or a
 * delta against the pre-image, checked against the pre-image id the patch names and, after applying, the
 * post-image id. The size a hunk declares is checked against the limit before anything is inflated, so a
 * deflate bomb is refused cheaply. Pure: no git objects read, thread-safe.
 */
final class BinaryPatch {
    private final long maxBlobBytes;

    BinaryPatch(long maxBlobBytes) {
        this.maxBlobBytes = maxBlobBytes;
    }

    /**
     * The new content of {@code fp}'s file, whose current blob id is {@code oldId} (null when it does not exist)
     * and content {@code preimage} (needed by deltas only; null otherwise).
     */
    byte[] apply(FilePatch fp, ObjectId oldId, byte[] preimage) {
        String path = fp.path();
        AbbreviatedObjectId expectedOld = fp.oldId();
        ObjectId actualOld = oldId == null ? ObjectId.zeroId() : oldId;
        if (expectedOld != null && !(oldId == null && expectedOld.prefixCompare(ObjectId.zeroId()) == 0)
                && expectedOld.prefixCompare(actualOld) != 0) {
            throw new PatchDoesNotApplyException(path, null, "the binary patch applies to " + expectedOld.name()
                    + ", which does not match the current contents " + actualOld.name());
        }
        BinaryHunk hunk = fp.binary();
        int start = RawParseUtils.nextLF(hunk.getBuffer(), hunk.getStartOffset());
        int length = hunk.getEndOffset() - start;
        long declared = hunk.getSize();
        if (declared > maxBlobBytes) {
            throw new PatchTooLargeException(path + ": binary hunk of " + declared + " bytes, the limit is " + maxBlobBytes);
        }
        byte[] data = inflate(path, hunk.getBuffer(), start, length, (int) declared);
        byte[] result;
        switch (hunk.getType()) {
            case LITERAL_DEFLATED -> result = data;
            case DELTA_DEFLATED -> result = applyDelta(path, preimage, data);
            default -> throw new MalformedPatchException(path + ": unknown binary hunk type");
        }
        AbbreviatedObjectId newId = fp.newId();
        if (newId != null && fp.type() != ChangeType.DELETE) {
            ObjectId got = NewObjects.idFor(OBJ_BLOB, result);
            if (newId.prefixCompare(got) != 0) {
                throw new PatchDoesNotApplyException(path, null, "binary patch creates incorrect result (expected "
                        + newId.name() + ", got " + got.name() + ")");
            }
        }
        return result;
    }

    private byte[] applyDelta(String path, byte[] preimage, byte[] delta) {
        try (BinaryDeltaInputStream in = new BinaryDeltaInputStream(preimage, new ByteArrayInputStream(delta))) {
            long size = in.getExpectedResultSize();
            if (size > maxBlobBytes) {
                throw new PatchTooLargeException(path + ": binary delta makes " + size + " bytes, the limit is " + maxBlobBytes);
            }
            byte[] result = in.readNBytes((int) size);
            if (result.length != size || in.read() != -1 || !in.isFullyConsumed()) {
                throw new MalformedPatchException(path + ": corrupt binary delta");
            }
            return result;
        } catch (IOException | RuntimeException e) {
            if (e instanceof GitEngineException g) {
                throw g;
            }
            throw new MalformedPatchException(path + ": corrupt binary delta (" + e.getMessage() + ")");
        }
    }

    private static byte[] inflate(String path, byte[] buf, int start, int length, int declared) {
        try (InputStream in = new InflaterInputStream(new BinaryHunkInputStream(new ByteArrayInputStream(buf, start, length)))) {
            byte[] data = in.readNBytes(declared);
            if (data.length != declared || in.read() != -1) {
                throw new MalformedPatchException(path + ": corrupt binary patch (size does not match)");
            }
            return data;
        } catch (IOException | RuntimeException e) {
            if (e instanceof GitEngineException g) {
                throw g;
            }
            Throwable c = e.getCause() instanceof DataFormatException ? e.getCause() : e;
            throw new MalformedPatchException(path + ": corrupt binary patch (" + c.getMessage() + ")");
        }
    }
}
