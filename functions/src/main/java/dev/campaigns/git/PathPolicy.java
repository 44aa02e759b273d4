package dev.campaigns.git;

import dev.campaigns.git.ParsedPatch.FilePatch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.eclipse.jgit.errors.CorruptObjectException;
import org.eclipse.jgit.lib.ObjectChecker;

/**
 * Where a patch may write, the engine's safety rules in one place; every refusal is a
 * {@link PatchRejectedException} raised before any tree is touched:
 * <ul>
 *   <li>no path that leaves the repository: empty, absolute ({@code /x}, {@code C:}), {@code .} or {@code ..}
 *       components ({@link #checkPath}, on old and new names, when the patch is parsed);</li>
 *   <li>nothing under {@code .git}: any component that is {@code .git} to git on any platform (any case, with
 *       trailing dots or spaces, the NTFS short name {@code git~1}, HFS+ ignorable characters through JGit's
 *       {@link ObjectChecker} for macOS);</li>
 *   <li>no write through a symbolic link: a new path (add, modify, rename, copy) whose parent is a link in the
 *       base tree, or made a link anywhere in the same patch ({@link #checkNoWriteThroughLinks}, which needs the
 *       base tree).</li>
 * </ul>
 */
final class PathPolicy {
    private static final ObjectChecker PATH_CHECKER = new ObjectChecker().setSafeForMacOS(true);

    private PathPolicy() {}

    /**
     * Refuses any path that could leave the tree or reach git's own files: empty, absolute, {@code .} or
     * {@code ..} components, and any component that is {@code .git} to git on any platform (any case, with
     * trailing dots or spaces, the NTFS short name {@code git~1}, HFS+ ignorable characters).
     */
    static void checkPath(String path) {
        if (path.isEmpty()) {
            throw new PatchRejectedException("empty path in patch");
        }
        if (path.startsWith("/") || path.startsWith("\\") || (path.length() > 1 && path.charAt(1) == ':')) {
            throw new PatchRejectedException("absolute path in patch: " + ParsedPatch.shortPath(path));
        }
        int from = 0;
        while (from <= path.length()) {
            int slash = path.indexOf('/', from);
            String part = path.substring(from, slash < 0 ? path.length() : slash);
            from = slash < 0 ? path.length() + 1 : slash + 1;
            if (part.isEmpty()) {
                throw new PatchRejectedException("empty path component in patch: " + ParsedPatch.shortPath(path));
            }
            if (part.equals(".") || part.equals("..")) {
                throw new PatchRejectedException("path leaves the repository: " + ParsedPatch.shortPath(path));
            }
            String lower = part.toLowerCase(Locale.ROOT);
            int end = lower.length();
            while (end > 0 && (lower.charAt(end - 1) == '.' || lower.charAt(end - 1) == ' ')) {
                end--;
            }
            String trimmed = lower.substring(0, end);
            if (trimmed.equals(".git") || lower.equals("git~1")) {
                throw new PatchRejectedException("path inside .git: " + ParsedPatch.shortPath(path));
            }
            if (part.indexOf('\0') >= 0) {
                throw new PatchRejectedException("NUL in path: " + ParsedPatch.shortPath(path));
            }
        }
        byte[] raw = path.getBytes(StandardCharsets.UTF_8);
        try {
            PATH_CHECKER.checkPath(raw, 0, raw.length);
        } catch (CorruptObjectException e) {
            throw new PatchRejectedException("unsafe path " + ParsedPatch.shortPath(path) + ": " + e.getMessage());
        }
    }

    /**
     * Refuses a patch that writes a path (the new name of an add, modify, rename or copy) below a symbolic link:
     * one in the base tree, or one the patch itself makes anywhere (before or after the write).
     */
    static void checkNoWriteThroughLinks(ParsedPatch patch, BaseTreeView base) throws IOException {
        Set<String> linksMadeByPatch = new HashSet<>();
        for (FilePatch fp : patch.files) {
            if (fp.newPath() != null && fp.newMode() != null && fp.newMode().getBits() == BaseTreeView.SYMLINK) {
                linksMadeByPatch.add(PathKeys.key(fp.newPath()));
            }
        }
        for (FilePatch fp : patch.files) {
            if (fp.newPath() == null) {
                continue;
            }
            String k = PathKeys.key(fp.newPath());
            for (int slash = k.indexOf('/'); slash > 0; slash = k.indexOf('/', slash + 1)) {
                String parent = k.substring(0, slash);
                BaseTreeView.Entry inBase = base.lookup(parent);
                if (linksMadeByPatch.contains(parent) || (inBase != null && inBase.isSymlink())) {
                    throw new PatchRejectedException("writes through a symbolic link: " + ParsedPatch.shortPath(fp.newPath())
                            + " (" + ParsedPatch.shortPath(PathKeys.fromKey(parent)) + " is a link)");
                }
            }
        }
    }
}
