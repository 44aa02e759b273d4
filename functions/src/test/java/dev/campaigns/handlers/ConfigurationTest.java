package dev.campaigns.handlers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The environment parsed once: defaults, values, and every bad value as one exception type naming its variable. */
class ConfigurationTest {
    @Test
    void defaultsWhenUnset() {
        Configuration c = Configuration.from(Map.of());
        assertNull(c.campaignsTable());
        assertEquals("campaigns-bot", c.bot().name());
        assertEquals(250, c.syncRequestBudget());
        assertEquals(1000, c.syncReserveRequests());
        assertNull(c.codeHostTimeout());
        assertEquals(dev.campaigns.codehost.CodeHostKind.GITHUB, c.codeHostKind());
        assertEquals("us-east-1", c.aws().region());
        assertNull(c.aws().endpoint("DYNAMODB"));
        assertFalse(c.aws().hasStaticCredentials());
    }

    @Test
    void valuesAreStrippedAndEndpointsFallBackToTheGeneralOne() {
        Configuration c = Configuration.from(Map.of("CAMPAIGNS_TABLE", " T ", "CODE_HOST_TIMEOUT_SECONDS", "7",
                "SYNC_REQUEST_BUDGET", "3", "AWS_ENDPOINT_URL", "http://all", "AWS_ENDPOINT_URL_SQS", "http://sqs",
                "BOT_NAME", "   "));
        assertEquals("T", c.campaignsTable());
        assertEquals(Duration.ofSeconds(7), c.codeHostTimeout());
        assertEquals(3, c.syncRequestBudget());
        assertEquals("http://sqs", c.aws().endpoint("SQS"));
        assertEquals("http://all", c.aws().endpoint("DYNAMODB"));
        assertEquals("campaigns-bot", c.bot().name(), "a blank value is unset");
    }

    @Test
    void everyBadValueIsAConfigurationExceptionNamingItsVariable() {
        Map<String, String> bad = Map.of("SYNC_REQUEST_BUDGET", "many", "SYNC_RESERVE_REQUESTS", "-1",
                "GIT_CACHE_MAX_MB", "lots", "GIT_SNAPSHOT_READS", "1.5", "CODE_HOST_TIMEOUT_SECONDS", "0",
                "PACING_MARGIN_SECONDS", "ten", "CODE_HOST_CONTENT_LIMITS", "=80/min",
                "SESSION_OWNED_ROLES", "Okta Engineers", "CODE_HOST_TYPE", "gitea");
        bad.forEach((variable, value) -> {
            Configuration.ConfigurationException e = assertThrows(Configuration.ConfigurationException.class,
                    () -> Configuration.from(Map.of(variable, value)), variable);
            assertEquals(variable, e.variable());
            assertTrue(e.getMessage().startsWith("configuration " + variable), e.getMessage());
        });
        Configuration.ConfigurationException missing = assertThrows(Configuration.ConfigurationException.class,
                () -> Configuration.require(null, "STATE_MACHINE_ARN"));
        assertEquals("configuration STATE_MACHINE_ARN is not set", missing.getMessage());
    }

    @Test
    void theSecretKeyAndSessionTokenNeverShow() {
        Configuration c = Configuration.from(Map.of("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE",
                "AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI", "AWS_SESSION_TOKEN", "FwoGZXIvYXdzE"));
        assertTrue(c.aws().hasStaticCredentials());
        assertFalse(c.toString().contains("wJalrXUtnFEMI"), c.toString());
        assertFalse(c.toString().contains("FwoGZXIvYXdzE"), c.toString());
        assertTrue(c.toString().contains("AKIDEXAMPLE"));
    }
}
