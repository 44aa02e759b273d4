package dev.campaigns.infra.sfn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;

/**
 * What both kinds of Map do first: select the items (ItemsPath, which must give an array), give each item its
 * input (ItemSelector with {@code $$.Map.Item.Index/Value}, or the item itself), and resolve MaxConcurrency.
 */
final class MapItemsReader {

    private final DataFlow data;

    MapItemsReader(DataFlow data) {
        this.data = data;
    }

    /** The input of each iteration, in item order. */
    List<JsonNode> inputs(State.MapItems items, JsonNode eff, JsonNode ctx) throws StateFailure {
        JsonNode list;
        try {
            list = JsonPaths.read(items.itemsPath(), eff, ctx);
        } catch (JsonPaths.PathFailure f) {
            throw StateFailure.runtime("Invalid path '" + items.itemsPath() + "' : The ItemsPath field references "
                    + "an invalid value");
        }
        if (!list.isArray()) {
            throw StateFailure.runtime("Item input to Map state must be a JSON array, but was " + list.getNodeType());
        }
        List<JsonNode> inputs = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            if (items.itemSelector() == null) {
                inputs.add(list.get(i));
            } else {
                ObjectNode itemCtx = ctx.deepCopy();
                ObjectNode item = itemCtx.putObject("Map").putObject("Item");
                item.put("Index", i);
                item.set("Value", list.get(i));
                inputs.add(data.template(items.itemSelector(), eff, itemCtx, "ItemSelector"));
            }
        }
        return inputs;
    }

    /** MaxConcurrency, or what MaxConcurrencyPath selects (a non-negative integer); 0 when unset. */
    static int maxConcurrency(State.MapItems items, JsonNode eff, JsonNode ctx) throws StateFailure {
        State.ValueOrPath v = items.maxConcurrency();
        if (v.path() != null) {
            JsonNode n = DataFlow.read(v.path(), eff, ctx);
            if (!n.isIntegralNumber() || n.asLong() < 0) {
                throw StateFailure.runtime("MaxConcurrencyPath did not select a non-negative integer");
            }
            return (int) n.asLong();
        }
        return v.value() == null ? 0 : (int) v.value().asLong();
    }
}
