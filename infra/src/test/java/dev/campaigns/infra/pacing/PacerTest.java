package dev.campaigns.infra.pacing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.campaigns.infra.codehost.ManualClock;
import dev.campaigns.infra.local.LocalDynamoDb;
import dev.campaigns.infra.local.SamTemplate;
import dev.campaigns.pacing.Pacer;
import dev.campaigns.pacing.PacerKey;
import dev.campaigns.pacing.PacingConfig;
import dev.campaigns.pacing.PacingPolicy;
import dev.campaigns.store.DynamoPacingStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The pacer on DynamoDB Local with the template's PacingTable: spacing under concurrency, idempotency, config. */
class PacerTest {
    private static final String TABLE = "PacingTable";
    private static final String GITHUB = "https://api.github.com";
    private static LocalDynamoDb dynamo;

    @BeforeAll
    static void start() {
        dynamo = LocalDynamoDb.start(SamTemplate.fromClasspath().tables());
    }

    @AfterAll
    static void stop() {
        if (dynamo != null) {
            dynamo.close();
        }
    }

    private static Pacer pacer(PacingConfig config, Clock clock) {
        return new Pacer(new DynamoPacingStore(dynamo.client(), TABLE), config, clock);
    }

    @Test
    void concurrentReservationsAreStrictlySpacedAndHonourBothLimits() throws Exception {
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        ManualClock clock = new ManualClock(t0);
        Pacer pacer = pacer(PacingConfig.parse("80/min,500/h", Duration.ZERO), clock);
        PacerKey key = PacerKey.of(GITHUB, "token-concurrency");
        int threads = 16;
        int perThread = 40;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<List<Instant>>> futures = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    go.await();
                    List<Instant> mine = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        mine.add(pacer.reserve(key, "job-" + thread + "-" + i).slot());
                        if (i % 10 == 9) {
                            clock.advance(Duration.ofSeconds(3)); // time passes while Lambdas reserve
                        }
                    }
                    return mine;
                }));
            }
            go.countDown();
            List<Instant> slots = new ArrayList<>();
            for (var f : futures) {
                slots.addAll(f.get());
            }
            Collections.sort(slots);
            int n = threads * perThread;
            assertEquals(n, slots.size());
            assertEquals(n, slots.stream().distinct().count(), "no slot handed out twice");
            Duration interval = Duration.ofMillis(7200); // 3600 s / 500: the binding limit
            assertEquals(t0, slots.get(0));
            for (int i = 1; i < n; i++) {
                assertTrue(Duration.between(slots.get(i - 1), slots.get(i)).compareTo(interval) >= 0,
                        "slots " + (i - 1) + " and " + i + " closer than " + interval);
            }
            assertTrue(maxInWindow(slots, Duration.ofMinutes(1)) <= 80);
            assertTrue(maxInWindow(slots, Duration.ofHours(1)) <= 500);
            // Busy throughout: the slots are back to back, so the rate is the allowed one.
            assertEquals(t0.plus(interval.multipliedBy(n - 1)), slots.get(n - 1));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void thePerMinuteLimitBindsWhenItIsTheStricterOne() {
        ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
        Pacer pacer = pacer(PacingConfig.parse("10/min,5000/h", Duration.ZERO), clock);
        PacerKey key = PacerKey.of(GITHUB, "token-minute");
        List<Instant> slots = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            slots.add(pacer.reserve(key, "minute-" + i).slot());
        }
        assertEquals(Duration.ofSeconds(6), Duration.between(slots.get(0), slots.get(1)));
        assertTrue(maxInWindow(slots, Duration.ofMinutes(1)) <= 10);
    }

    @Test
    void aRetriedReservationGetsItsSlotBack_andAPassedSlotIsReplaced() {
        ManualClock clock = new ManualClock(Instant.parse("2026-02-01T00:00:00Z"));
        Pacer pacer = pacer(PacingConfig.parse("60/min", Duration.ZERO), clock);
        PacerKey key = PacerKey.of(GITHUB, "token-idempotency");
        Pacer.Reservation a = pacer.reserve(key, "campaign-1/job-a");
        Pacer.Reservation b = pacer.reserve(key, "campaign-1/job-b");
        Pacer.Reservation c = pacer.reserve(key, "campaign-1/job-c");
        assertFalse(a.repeated());
        assertEquals(Duration.ofSeconds(2), Duration.between(a.slot(), c.slot()));
        Pacer.Reservation again = pacer.reserve(key, "campaign-1/job-b");
        assertTrue(again.repeated());
        assertEquals(b.slot(), again.slot(), "a retried reservation takes no second slot");
        Pacer.Reservation d = pacer.reserve(key, "campaign-1/job-d");
        assertEquals(c.slot().plusSeconds(1), d.slot(), "the retry consumed nothing");

        clock.advance(Duration.ofMinutes(5)); // job b failed after its slot; retryCampaign reserves again
        Pacer.Reservation retried = pacer.reserve(key, "campaign-1/job-b");
        assertFalse(retried.repeated());
        assertEquals(clock.instant(), retried.slot(), "a passed slot is replaced by a new one (bucket idle: now)");
        assertEquals(retried.slot().plusSeconds(1), pacer.reserve(key, "campaign-1/job-e").slot());
    }

    @Test
    void aLateRequestPushesLaterReservationsBack_anOnTimeOneDoesNot() {
        ManualClock clock = new ManualClock(Instant.parse("2026-04-01T00:00:00Z"));
        Pacer pacer = pacer(PacingConfig.parse("60/min", Duration.ofSeconds(10)), clock); // 70 s / 60 = 1,166 ms
        PacerKey key = PacerKey.of(GITHUB, "token-late");
        Instant a = pacer.reserve(key, "late/a").slot();
        Instant b = pacer.reserve(key, "late/b").slot();
        assertEquals(Duration.ZERO, pacer.sent(key, "late/a", a.plusSeconds(4)), "4 s late: within half the margin");
        assertEquals(b.plusMillis(1166), pacer.reserve(key, "late/c").slot());
        assertEquals(Duration.ofSeconds(20), pacer.sent(key, "late/b", b.plusSeconds(20)), "a cold start");
        assertEquals(b.plusMillis(2 * 1166).plusSeconds(20), pacer.reserve(key, "late/d").slot());
        assertEquals(Duration.ZERO, pacer.sent(key, "unknown/job", clock.instant().plusSeconds(60)));
    }

    @Test
    void limitsAreConfiguredPerHost_andBucketsArePerHostAndToken() {
        ManualClock clock = new ManualClock(Instant.parse("2026-03-01T00:00:00Z"));
        PacingConfig config = PacingConfig.parse("80/min,500/h; ghe.example.com=120/min,10000/h; open.example=none",
                Duration.ofSeconds(10));
        assertEquals(Duration.ofMillis(7220), config.forHost(GITHUB).interval());
        assertEquals(583, config.forHost("https://ghe.example.com/api/v3").interval().toMillis());
        assertFalse(config.forHost("https://open.example/api").paced());
        Pacer pacer = pacer(config, clock);
        Instant now = clock.instant();
        PacerKey github = PacerKey.of(GITHUB, "ghp_secretTokenOne");
        PacerKey ghe = PacerKey.of("https://ghe.example.com/api/v3", "ghp_secretTokenOne");
        PacerKey otherToken = PacerKey.of(GITHUB, "ghp_secretTokenTwo");
        assertEquals(now, pacer.reserve(github, "host-1").slot());
        assertEquals(now.plusMillis(7220), pacer.reserve(github, "host-2").slot());
        assertEquals(now, pacer.reserve(ghe, "host-3").slot(), "another host has its own budget");
        assertEquals(now.plusMillis(583), pacer.reserve(ghe, "host-4").slot());
        assertEquals(now, pacer.reserve(otherToken, "host-5").slot(), "another token has its own budget");
        assertEquals(now, pacer.reserve(PacerKey.of("https://open.example/api", "t"), "host-6").slot());

        // The token never reaches the table: buckets are named by its hash.
        var items = dynamo.client().scan(b -> b.tableName(TABLE)).items();
        for (var item : items) {
            for (AttributeValue v : item.values()) {
                assertFalse(String.valueOf(v.s()).contains("secretToken"), item.toString());
            }
        }
        assertTrue(items.stream().anyMatch(i -> i.get("id").s().equals("bucket#" + github.id())));
        assertFalse(github.toString().contains("secretToken"));
    }

    @Test
    void badLimitsAreRefusedNamingThePart() {
        var e = assertThrows(IllegalArgumentException.class, () -> PacingConfig.parse("80/min,500/day", Duration.ZERO));
        assertTrue(e.getMessage().contains("500/day"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PacingConfig.parse("eighty/min", Duration.ZERO));
        assertTrue(e.getMessage().contains("eighty/min"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PacingConfig.parse("0/min", Duration.ZERO));
        assertTrue(e.getMessage().contains("positive"), e.getMessage());
        assertEquals(PacingPolicy.GITHUB, PacingConfig.parse("", Duration.ofSeconds(10)).forHost(GITHUB));
    }

    private static int maxInWindow(List<Instant> sorted, Duration window) {
        int max = 0;
        int start = 0;
        for (int end = 0; end < sorted.size(); end++) {
            while (!sorted.get(start).isAfter(sorted.get(end).minus(window))) {
                start++;
            }
            max = Math.max(max, end - start + 1);
        }
        return max;
    }
}
