package dev.lambdaidempotency.internal;

import dev.lambdaidempotency.spi.IdempotencyRecord;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** A bounded, least-recently-used map of completed records, honouring their expiry. Thread-safe. */
final class LocalCache {
    private final int capacity;
    private final Map<String, IdempotencyRecord> entries;

    LocalCache(int capacity) {
        this.capacity = capacity;
        this.entries = new LinkedHashMap<>(16, 0.75f, true);
    }

    IdempotencyRecord get(String id, Instant now) {
        if (capacity == 0) {
            return null;
        }
        synchronized (entries) {
            IdempotencyRecord record = entries.get(id);
            if (record != null && record.isExpired(now)) {
                entries.remove(id);
                return null;
            }
            return record;
        }
    }

    void put(IdempotencyRecord record) {
        if (capacity == 0) {
            return;
        }
        synchronized (entries) {
            entries.put(record.id(), record);
            if (entries.size() > capacity) {
                var eldest = entries.keySet().iterator();
                eldest.next();
                eldest.remove();
            }
        }
    }
}
