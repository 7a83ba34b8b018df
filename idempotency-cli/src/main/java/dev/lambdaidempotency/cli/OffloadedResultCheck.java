package dev.lambdaidempotency.cli;

import dev.lambdaidempotency.spi.ResultPointer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Whether an offloaded result is still there and intact: streams the object once through SHA-256 (never held in
 * memory) and compares the digest and size with the record's pointer, as the library does on every replay.
 *
 * @param bucket         where it was looked up
 * @param exists         whether the object exists
 * @param size           its size in bytes, or -1 when missing
 * @param sha256         its digest, or {@code null} when missing
 * @param checksumMatches digest and size equal the pointer's
 */
record OffloadedResultCheck(String bucket, boolean exists, long size, String sha256, boolean checksumMatches) {

    static OffloadedResultCheck of(S3Client s3, String bucketOverride, ResultPointer pointer) {
        String bucket = bucketOverride != null ? bucketOverride : pointer.bucket();
        try (ResponseInputStream<GetObjectResponse> object = s3.getObject(b -> b.bucket(bucket).key(pointer.key()))) {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            long size = new DigestInputStream(object, sha256).transferTo(OutputStream.nullOutputStream());
            String hex = HexFormat.of().formatHex(sha256.digest());
            return new OffloadedResultCheck(bucket, true, size, hex, hex.equals(pointer.sha256())
                    && size == pointer.size());
        } catch (NoSuchKeyException missing) {
            return new OffloadedResultCheck(bucket, false, -1, null, false);
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return new OffloadedResultCheck(bucket, false, -1, null, false);
            }
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException("reading s3://" + bucket + "/" + pointer.key() + " failed", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    String human() {
        if (!exists) {
            return "MISSING from s3://" + bucket + " (replays of this record will fail)";
        }
        return "exists, " + size + " bytes, " + (checksumMatches ? "sha256 matches"
                : "CHECKSUM MISMATCH (" + size + " bytes, sha256 " + sha256 + "): replays of this record will fail");
    }

    Map<String, Object> json() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("bucket", bucket);
        map.put("exists", exists);
        map.put("size", exists ? size : null);
        map.put("sha256", sha256);
        map.put("checksumMatches", checksumMatches);
        return map;
    }
}
