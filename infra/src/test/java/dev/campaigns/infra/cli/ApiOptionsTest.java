package dev.campaigns.infra.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Where the CLI finds the API and who it says it is: flag, environment, config file, default; the identities. */
class ApiOptionsTest {
    @TempDir
    Path home;

    private ApiOptions parse(String... args) {
        ApiOptions options = new ApiOptions();
        new CommandLine(options).parseArgs(args);
        return options;
    }

    @Test
    void theEndpointIsTheFlagElseTheEnvironmentElseTheConfigFileElseTheLocalServe() throws Exception {
        Path config = home.resolve(".config/campaigns/config.properties");
        Files.createDirectories(config.getParent());
        Files.writeString(config, "endpoint=https://from-file.example/graphql\nuser=filed\n");
        CliEnvironment none = new CliEnvironment(Map.of(), home.resolve("elsewhere"));
        CliEnvironment file = new CliEnvironment(Map.of(), home);
        CliEnvironment env = new CliEnvironment(Map.of("CAMPAIGNS_ENDPOINT", "http://env.example/graphql"), home);
        assertEquals(ApiOptions.LOCAL_ENDPOINT, parse().endpoint(none));
        assertTrue(parse().isLocal(none));
        assertEquals("https://from-file.example/graphql", parse().endpoint(file));
        assertFalse(parse().isLocal(file));
        assertEquals("http://env.example/graphql", parse().endpoint(env));
        assertEquals("http://flag.example/graphql", parse("--endpoint", "http://flag.example/graphql").endpoint(env));
        assertEquals("filed", file.setting(null, "CAMPAIGNS_USER", "user", null));
    }

    @Test
    void aBadEndpointOrConfigFileIsNamed() {
        CliEnvironment none = new CliEnvironment(Map.of(), home);
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> parse("--endpoint", "ftp://x/graphql").endpoint(none));
        assertTrue(bad.getMessage().contains("must be an http(s) URL"), bad.getMessage());
        CliEnvironment missing = new CliEnvironment(Map.of("CAMPAIGNS_CONFIG", home.resolve("nope").toString()), home);
        IllegalArgumentException noFile = assertThrows(IllegalArgumentException.class,
                () -> parse().endpoint(missing));
        assertTrue(noFile.getMessage().contains("CAMPAIGNS_CONFIG names"), noFile.getMessage());
    }

    @Test
    void anAppSyncUrlIsSignedWithSigV4ForItsRegion_aTokenGoesInAuthorization_locallyTheUserHeader() {
        CliEnvironment keys = new CliEnvironment(Map.of("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE000000000",
                "AWS_SECRET_ACCESS_KEY", "secret"), home);
        String appsync = "https://abc123.appsync-api.eu-west-2.amazonaws.com/graphql";
        HttpRequest signed = request(parse("--endpoint", appsync), keys);
        String auth = signed.headers().firstValue("Authorization").orElseThrow();
        assertTrue(auth.startsWith("AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE000000000/"), auth);
        assertTrue(auth.contains("/eu-west-2/appsync/aws4_request"), auth);
        assertTrue(signed.headers().firstValue("X-Amz-Date").isPresent());

        CliEnvironment token = new CliEnvironment(Map.of("CAMPAIGNS_TOKEN", "eyJ.jwt.sig"), home);
        assertEquals("eyJ.jwt.sig", request(parse("--endpoint", appsync), token).headers()
                .firstValue("Authorization").orElseThrow());

        HttpRequest local = request(parse("--user", "dora"), new CliEnvironment(Map.of(), home));
        assertEquals("dora", local.headers().firstValue("x-campaigns-user").orElseThrow());
        assertTrue(local.headers().firstValue("Authorization").isEmpty());
        assertTrue(request(parse(), new CliEnvironment(Map.of(), home)).headers().map().keySet().stream()
                .noneMatch(h -> h.equalsIgnoreCase("x-campaigns-user")), "no user: serve's default user");
    }

    private static HttpRequest request(ApiOptions options, CliEnvironment env) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(options.endpoint(env)));
        options.identity(env).apply(b, URI.create(options.endpoint(env)), "{}".getBytes());
        return b.POST(HttpRequest.BodyPublishers.ofString("{}")).build();
    }
}
