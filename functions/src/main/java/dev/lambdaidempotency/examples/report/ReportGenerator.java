package dev.lambdaidempotency.examples.report;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Builds statements. The transactions are synthetic but stable (derived from customer and month), so two
 * generations of the same request differ only in {@code reportId} and {@code generatedAt}. Thread-safe.
 */
public final class ReportGenerator {
    /** Transactions per report by default: about 3.3 MB of JSON, under Lambda's 6 MB response limit. */
    public static final int DEFAULT_TRANSACTIONS = 24_000;

    private static final String[] MERCHANTS = {"Northwind Traders", "Contoso Coffee", "Fabrikam Fuel",
        "Tailspin Travel", "Adventure Works Outdoor", "Wide World Importers", "Litware Books", "Proseware Pharmacy",
        "Lucerne Grocers", "Margie's Travel", "Alpine Ski House", "Coho Winery"};
    private static final String[] CATEGORIES = {"groceries", "travel", "fuel", "dining", "books", "health",
        "outdoor", "wine"};

    private final Clock clock;
    private final int transactions;

    /**
     * @param clock        stamps {@code generatedAt}
     * @param transactions transactions per report, positive
     */
    public ReportGenerator(Clock clock, int transactions) {
        this.clock = Objects.requireNonNull(clock, "clock");
        if (transactions < 1) {
            throw new IllegalArgumentException("transactions must be positive, was " + transactions);
        }
        this.transactions = transactions;
    }

    /**
     * Generates the statement for a request.
     *
     * @param request a validated request
     * @return the report
     */
    public Report generate(ReportRequest request) {
        YearMonth month = YearMonth.parse(request.getPeriod());
        SplittableRandom random = new SplittableRandom(seed(request.getCustomerId() + "|" + request.getPeriod()));
        List<Transaction> lines = new ArrayList<>(transactions);
        Map<String, Long> totals = new TreeMap<>();
        long total = 0;
        for (int i = 0; i < transactions; i++) {
            LocalDate day = month.atDay(1 + random.nextInt(month.lengthOfMonth()));
            String category = CATEGORIES[random.nextInt(CATEGORIES.length)];
            long amount = random.nextInt(20) == 0 ? -random.nextLong(100, 5_000) : random.nextLong(100, 25_000);
            lines.add(new Transaction(String.format("txn_%s_%06d", request.getPeriod().replace("-", ""), i),
                    day.toString(), MERCHANTS[random.nextInt(MERCHANTS.length)], category, amount));
            totals.merge(category, amount, Long::sum);
            total += amount;
        }
        return new Report("rpt_" + UUID.randomUUID().toString().replace("-", ""), request.getRequestId(),
                request.getCustomerId(), request.getPeriod(), "EUR", clock.instant().toString(), lines.size(), total,
                totals, List.copyOf(lines));
    }

    private static long seed(String text) {
        long h = 1125899906842597L;
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            h = 31 * h + b;
        }
        return h;
    }
}
