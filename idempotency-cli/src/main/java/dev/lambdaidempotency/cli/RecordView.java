package dev.lambdaidempotency.cli;

import dev.lambdaidempotency.spi.IdempotencyRecord;
import dev.lambdaidempotency.spi.RecordStatus;
import dev.lambdaidempotency.spi.ResultPointer;
import dev.lambdaidempotency.spi.StoredResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One record as inspect and stuck show it: in lines for people, as a map for {@code --json}. */
final class RecordView {
    private final Times times;
    private final Duration recordTtl;

    RecordView(Times times, Duration recordTtl) {
        this.times = times;
        this.recordTtl = recordTtl;
    }

    /**
     * When the claim was made (in progress) or the result recorded (completed): the expiry minus the record TTL, as
     * the library derives a replay's {@code recordedAt}; {@code null} when the expiry was set by a lease longer
     * than the TTL.
     */
    Instant since(IdempotencyRecord record) {
        Instant since = record.expiresAt().minus(recordTtl);
        return record.inProgressExpiresAt() != null && since.isAfter(record.inProgressExpiresAt()) ? null : since;
    }

    boolean leasePassed(IdempotencyRecord record) {
        return record.status() == RecordStatus.IN_PROGRESS && record.inProgressExpiresAt().isBefore(times.now());
    }

    Map<String, Object> json(IdempotencyRecord record) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("id", record.id());
        RecordScope.of(record.id()).ifPresent(scope -> {
            map.put("function", scope.function());
            map.put("keySpace", scope.keySpace());
            map.put("operation", scope.operation());
            if (scope.handOver()) {
                map.put("asyncHandOver", true);
            }
        });
        map.put("status", record.status().name());
        Instant since = since(record);
        map.put(record.status() == RecordStatus.IN_PROGRESS ? "claimedAt" : "recordedAt",
                since == null ? null : times.json(since));
        map.put("expiresAt", times.json(record.expiresAt()));
        map.put("expired", record.isExpired(times.now()));
        if (record.inProgressExpiresAt() != null) {
            map.put("leaseExpiresAt", times.json(record.inProgressExpiresAt()));
            map.put("leasePassed", leasePassed(record));
            map.put("overdueSeconds", leasePassed(record)
                    ? Duration.between(record.inProgressExpiresAt(), times.now()).toSeconds() : 0);
        }
        map.put("owner", record.ownerToken());
        map.put("payloadHash", record.payloadHash());
        map.put("result", result(record.result()));
        return map;
    }

    List<String[]> lines(IdempotencyRecord record) {
        List<String[]> lines = new ArrayList<>();
        lines.add(new String[] {"record", record.id()});
        RecordScope.of(record.id()).ifPresent(scope -> lines.add(new String[] {"scope", "function "
                + scope.function() + (scope.keySpace() == null ? "" : ", key space " + scope.keySpace())
                + (scope.operation() == null ? ", wrapped handler" : ", operation " + scope.operation())
                + (scope.handOver() ? " (async hand-over record)" : "")}));
        String status = record.status().name();
        if (record.isExpired(times.now())) {
            status += " (expired: no longer counts; the TTL sweeper deletes it within days)";
        } else if (leasePassed(record)) {
            status += " (lease passed: the invocation is gone; the next request with this key takes over)";
        } else if (record.status() == RecordStatus.IN_PROGRESS) {
            status += " (lease running: an invocation may still be working on it)";
        }
        lines.add(new String[] {"status", status});
        Instant since = since(record);
        if (since != null) {
            lines.add(new String[] {record.status() == RecordStatus.IN_PROGRESS ? "claimed" : "recorded",
                    times.human(since) + " (expiry - record TTL " + Times.age(recordTtl) + ")"});
        }
        if (record.inProgressExpiresAt() != null) {
            lines.add(new String[] {"lease until", times.human(record.inProgressExpiresAt())});
        }
        lines.add(new String[] {"expires", times.human(record.expiresAt())});
        lines.add(new String[] {"owner", record.ownerToken()});
        lines.add(new String[] {"payload", record.payloadHash() == null ? "not validated"
                : "validated, sha256 " + record.payloadHash()});
        lines.add(new String[] {"result", describe(record.result())});
        return lines;
    }

    static String describe(StoredResult result) {
        if (result == null) {
            return "none yet";
        }
        if (result instanceof StoredResult.Inline inline) {
            return "inline, " + inline.json().getBytes(StandardCharsets.UTF_8).length + " bytes";
        }
        if (result instanceof StoredResult.Offloaded offloaded) {
            ResultPointer p = offloaded.pointer();
            return "offloaded to s3://" + p.bucket() + "/" + p.key() + ", " + p.size() + " bytes " + p.contentEncoding()
                    + " " + p.contentType() + ", sha256 " + p.sha256();
        }
        return "unavailable: " + ((StoredResult.Unavailable) result).reason();
    }

    private static Map<String, Object> result(StoredResult result) {
        if (result == null) {
            return null;
        }
        Map<String, Object> map = new LinkedHashMap<>();
        if (result instanceof StoredResult.Inline inline) {
            map.put("kind", "inline");
            map.put("bytes", inline.json().getBytes(StandardCharsets.UTF_8).length);
        } else if (result instanceof StoredResult.Offloaded offloaded) {
            ResultPointer p = offloaded.pointer();
            map.put("kind", "offloaded");
            map.put("bucket", p.bucket());
            map.put("key", p.key());
            map.put("size", p.size());
            map.put("sha256", p.sha256());
            map.put("contentType", p.contentType());
            map.put("contentEncoding", p.contentEncoding());
        } else {
            map.put("kind", "unavailable");
            map.put("reason", ((StoredResult.Unavailable) result).reason());
        }
        return map;
    }
}
