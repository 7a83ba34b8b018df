package dev.lambdaidempotency.cli;

import dev.lambdaidempotency.spi.IdempotencyRecord;
import dev.lambdaidempotency.spi.RecordId;
import dev.lambdaidempotency.spi.StoredResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code inspect}: the record a request maps to, and whether its offloaded result is intact. */
@Command(name = "inspect", sortOptions = false, footer = ExitCodes.HELP,
        description = {"Prints the record of one request: status, claim or completion time, lease, expiry (UTC and "
                + "local), owner token, and where its result is; an offloaded result is read from S3 to check that "
                + "it exists and matches its checksum.",
                "The record id is computed by the library's own key selection and hashing, configured like the "
                + "function (--function, --key-space, --operation, --key-path/--key-header)."})
final class InspectCommand extends TableCommand {
    @Mixin
    KeySelection selection;

    @Option(names = "--no-verify", description = "Do not read an offloaded result from S3.")
    boolean noVerify;

    InspectCommand(CliContext context) {
        super(context);
    }

    @Override
    int run(Backend backend, Times times) {
        RecordId id = selection.recordId(backend.store());
        Optional<IdempotencyRecord> found = backend.store().read(id.value());
        if (found.isEmpty()) {
            if (json) {
                Map<String, Object> document = new LinkedHashMap<>();
                document.put("id", id.value());
                document.put("found", false);
                printJson(document);
            } else {
                out().println("no record " + id.value() + " in table " + backend.table()
                        + " (never claimed, released after a failure, or expired and swept)");
                out().flush();
            }
            return ExitCodes.NOT_FOUND;
        }
        IdempotencyRecord record = found.get();
        OffloadedResultCheck check = !noVerify && record.result() instanceof StoredResult.Offloaded offloaded
                ? OffloadedResultCheck.of(backend.s3(), backend.bucketOverride(), offloaded.pointer()) : null;
        RecordView view = view(times);
        if (json) {
            Map<String, Object> document = new LinkedHashMap<>();
            document.put("found", true);
            document.putAll(view.json(record));
            if (check != null) {
                @SuppressWarnings("unchecked")
                Map<String, Object> result = (Map<String, Object>) document.get("result");
                result.put("object", check.json());
            }
            printJson(document);
        } else {
            TextTable table = TextTable.keyValue();
            List<String[]> lines = view.lines(record);
            lines.forEach(line -> table.add((Object[]) line));
            if (check != null) {
                table.add("s3 object", check.human());
            }
            table.print(out());
        }
        return check != null && !check.checksumMatches() ? ExitCodes.RESULT_DAMAGED : ExitCodes.OK;
    }
}
