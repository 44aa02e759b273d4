package dev.campaigns.infra.local.iam;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The principals of one local stack, by access key and by name, each with fresh random credentials (as STS issues
 * them for an assumed role: an {@code ASIA…} key, a secret key and a session token).
 */
public final class Principals {
    private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Principal> byKey = new ConcurrentHashMap<>();
    private final Map<String, Principal> byName = new ConcurrentHashMap<>();
    private final String account;

    public Principals(String account) {
        this.account = account;
    }

    /**
     * A new principal for the role {@code roleName} assumed as session {@code sessionName}.
     *
     * @param name the principal's name (the logical ID it stands for); unique
     */
    public Principal add(String name, String roleName, String sessionName, IamPolicy policy) {
        Principal.Credentials credentials = new Principal.Credentials("ASIA" + base32(16), base64(30), base64(96));
        Principal p = new Principal(name, "arn:aws:iam::" + account + ":role/" + roleName,
                "arn:aws:sts::" + account + ":assumed-role/" + roleName + "/" + sessionName, credentials, policy);
        if (byName.putIfAbsent(name, p) != null) {
            throw new IllegalArgumentException("principal " + name + " exists already");
        }
        byKey.put(credentials.accessKeyId(), p);
        return p;
    }

    /**
     * An IAM user {@code userName} with a long-term access key ({@code AKIA…}, no session token), as a person signs
     * with; its ARN is {@code arn:aws:iam::ACCOUNT:user/NAME}. The principal's name is {@code user/NAME}.
     */
    public Principal addUser(String userName) {
        Principal.Credentials credentials = new Principal.Credentials("AKIA" + base32(16), base64(30), null);
        String arn = "arn:aws:iam::" + account + ":user/" + userName;
        Principal p = new Principal("user/" + userName, null, arn, credentials, null);
        if (byName.putIfAbsent(p.name(), p) != null) {
            return byName.get(p.name());
        }
        byKey.put(credentials.accessKeyId(), p);
        return p;
    }

    public Optional<Principal> byAccessKey(String accessKeyId) {
        return Optional.ofNullable(accessKeyId == null ? null : byKey.get(accessKeyId));
    }

    public Principal byName(String name) {
        Principal p = byName.get(name);
        if (p == null) {
            throw new IllegalArgumentException("no principal " + name);
        }
        return p;
    }

    /** The principal whose role is {@code roleArn}, if any. */
    public Optional<Principal> byRole(String roleArn) {
        return byName.values().stream().filter(p -> p.roleArn().equals(roleArn)).findFirst();
    }

    public Collection<Principal> all() {
        return byName.values();
    }

    public String account() {
        return account;
    }

    private String base32(int n) {
        StringBuilder s = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            s.append(BASE32.charAt(random.nextInt(BASE32.length())));
        }
        return s.toString();
    }

    private String base64(int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }
}
