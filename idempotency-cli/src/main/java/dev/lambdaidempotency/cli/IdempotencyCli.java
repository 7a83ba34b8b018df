package dev.lambdaidempotency.cli;

import dev.lambdaidempotency.IdempotencyKeyException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The operator's command line for the idempotency table.
 *
 * <pre>
 * java -jar idempotency-cli.jar inspect --function payments --operation http --key 7f0c-...
 * java -jar idempotency-cli.jar stuck [--function F] [--json]
 * java -jar idempotency-cli.jar release --id ID (--owner TOKEN | --force [--yes]) [--dry-run]
 * java -jar idempotency-cli.jar stats [--function F] [--max-rcu 50]
 * </pre>
 *
 * <p>Exit status: 0 ok, 1 not found, 2 usage, 3 refused or conflict, 4 backend error, 5 offloaded result missing or
 * corrupt (inspect).
 */
@Command(name = "idempotency-cli", mixinStandardHelpOptions = true, versionProvider = IdempotencyCli.Version.class,
        footer = ExitCodes.HELP,
        description = "Operates the lambda-idempotency table: inspect a request's record, list stuck claims, "
                + "release one, table statistics. Against AWS (default chains) or any endpoint (--endpoint-url).")
public final class IdempotencyCli {
    private IdempotencyCli() {
    }

    /**
     * Runs the CLI and exits with its status.
     *
     * @param args the command line; {@code --help} lists the commands
     */
    public static void main(String[] args) {
        System.exit(commandLine(CliContext.system()).execute(args));
    }

    /** The command line over {@code context}, with every command and the exit status mapping. */
    static CommandLine commandLine(CliContext context) {
        CommandLine cli = new CommandLine(new IdempotencyCli())
                .addSubcommand(new InspectCommand(context))
                .addSubcommand(new StuckCommand(context))
                .addSubcommand(new ReleaseCommand(context))
                .addSubcommand(new StatsCommand(context));
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            int status = exitCode(e);
            err.println((status == ExitCodes.BACKEND ? "backend error: " : "error: ") + e.getMessage());
            err.flush();
            return status;
        });
        cli.setExitCodeExceptionMapper(IdempotencyCli::exitCode);
        return cli;
    }

    private static int exitCode(Throwable e) {
        if (e instanceof CliFailure failure) {
            return failure.exitCode();
        }
        if (e instanceof CommandLine.ParameterException || e instanceof IdempotencyKeyException
                || e instanceof IllegalArgumentException) {
            return ExitCodes.USAGE;
        }
        // IdempotencyStoreException, SdkException (DynamoDB, S3, credentials), I/O: the backend failed
        return ExitCodes.BACKEND;
    }

    /** The version from the jar's manifest, when there is one. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = IdempotencyCli.class.getPackage().getImplementationVersion();
            return new String[] {"idempotency-cli " + (version == null ? "(development build)" : version)};
        }
    }
}
