package dev.campaigns.handlers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.campaigns.service.InvalidInputException;
import org.junit.jupiter.api.Test;

/** The typed argument readers of an AppSync resolver event. */
class AppSyncEventTest {
    private static AppSyncEvent withArguments(String json) throws Exception {
        return new AppSyncEvent(new ObjectMapper().readTree(json), null, null, null);
    }

    @Test
    void aBooleanArgumentIsTrueFalseOrAbsentAndAnythingElseIsRefusedByName() throws Exception {
        assertEquals(Boolean.TRUE, withArguments("{\"draft\": true}").bool("draft"));
        assertEquals(Boolean.FALSE, withArguments("{\"draft\": false}").bool("draft"));
        assertNull(withArguments("{\"draft\": null}").bool("draft"));
        assertNull(withArguments("{}").bool("draft"));
        assertNull(new AppSyncEvent(null, null, null, null).bool("draft"));
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> withArguments("{\"draft\": \"yes\"}").bool("draft"));
        assertEquals("draft must be true, false or null", e.getMessage());
    }
}
