package dev.plaidknot.support;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Real SDK clients on the emulator that fail chosen calls, for faults an emulator cannot make
 * on its own (throttling, a failure after Plaid answered, a crash mid-request).
 */
public final class AwsFaults {

    private AwsFaults() {
    }

    /** Only the write of an item record (the access token): the moment after Plaid answered. */
    public static final Predicate<SdkRequest> ITEM_WRITE = request -> switch (request) {
        case PutItemRequest put -> isItemRecord(put.item());
        case TransactWriteItemsRequest transaction -> transaction.transactItems().stream()
                .anyMatch(w -> w.put() != null && isItemRecord(w.put().item()));
        default -> false;
    };

    private static boolean isItemRecord(Map<String, AttributeValue> record) {
        String sk = record.get("sk").s();
        return sk.startsWith("ITEM#") && !sk.contains("#ACCOUNT#");
    }

    /** A write to the exchange record (pk EXCHANGE#…). */
    public static final Predicate<SdkRequest> EXCHANGE_RECORD_WRITE = request -> switch (request) {
        case PutItemRequest put -> put.item().get("pk").s().startsWith("EXCHANGE#");
        case UpdateItemRequest update -> update.key().get("pk").s().startsWith("EXCHANGE#");
        default -> false;
    };

    /**
     * A DynamoDB client whose first request matching {@code when} lands but whose answer is lost:
     * it is sent again, as the SDK's own retry does, and the caller sees the second answer.
     */
    public static DynamoDbClient dynamoLosingFirstAnswer(DynamoDbClient real, Predicate<SdkRequest> when) {
        return landingFirst(real, when, (method, args) -> method.invoke(real, args));
    }

    /**
     * A DynamoDB client whose first request matching {@code when} lands, and the caller is then
     * answered with {@code fault} instead (an emulator cannot be made to say, for example, that
     * a transaction it applied is still in progress).
     */
    public static DynamoDbClient dynamoLandingThenFailing(DynamoDbClient real, Predicate<SdkRequest> when,
                                                          Supplier<? extends RuntimeException> fault) {
        return landingFirst(real, when, (method, args) -> {
            throw fault.get();
        });
    }

    private interface Answer {
        Object after(java.lang.reflect.Method method, Object[] args) throws Throwable;
    }

    private static DynamoDbClient landingFirst(DynamoDbClient real, Predicate<SdkRequest> when, Answer afterLanding) {
        AtomicBoolean landed = new AtomicBoolean();
        return (DynamoDbClient) Proxy.newProxyInstance(DynamoDbClient.class.getClassLoader(),
                new Class<?>[] {DynamoDbClient.class}, (proxy, method, args) -> {
                    if (args != null && args.length == 1 && args[0] instanceof java.util.function.Consumer<?>) {
                        // The builder overloads (putItem(p -> …)) build the request and call back through the proxy.
                        return InvocationHandler.invokeDefault(proxy, method, args);
                    }
                    try {
                        if (args != null && args.length == 1 && args[0] instanceof SdkRequest request
                                && when.test(request) && landed.compareAndSet(false, true)) {
                            method.invoke(real, args); // lands; its answer never reaches the caller
                            return afterLanding.after(method, args);
                        }
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** Every request made through the clients this interceptor is added to, in order. */
    public static ExecutionInterceptor recordingCalls(List<SdkRequest> into) {
        return new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                into.add(context.request());
            }
        };
    }

    /** A write of account records (a transaction of puts under ITEM#…#ACCOUNT#). */
    public static final Predicate<SdkRequest> ACCOUNT_WRITE = request -> request instanceof TransactWriteItemsRequest t
            && t.transactItems().stream().anyMatch(w -> w.put() != null
                    && w.put().item().get("sk").s().contains("#ACCOUNT#"));

    /**
     * The process dies on the first AWS call (through any client this interceptor is added to)
     * after a request matching {@code after} succeeded: a crash at the next step, whichever it is.
     */
    public static ExecutionInterceptor crashOnTheCallAfter(Predicate<SdkRequest> after) {
        AtomicBoolean done = new AtomicBoolean();
        AtomicBoolean crashed = new AtomicBoolean();
        return new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                if (done.get() && crashed.compareAndSet(false, true)) {
                    throw crash();
                }
            }

            @Override
            public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
                if (after.test(context.request())) {
                    done.set(true);
                }
            }
        };
    }

    /** Holds each matching request this long on the wire: a dependency that stalls (interruptible, as a socket read is). */
    public static ExecutionInterceptor stalling(Predicate<SdkRequest> when, Duration stall) {
        return new ExecutionInterceptor() {
            @Override
            public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                if (when.test(context.request())) {
                    try {
                        Thread.sleep(stall.toMillis());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw SdkClientException.create("stalled call interrupted", e);
                    }
                }
            }
        };
    }

    public static RuntimeException throttled() {
        return ProvisionedThroughputExceededException.builder()
                .message("The level of configured provisioned throughput for the table was exceeded")
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("ProvisionedThroughputExceededException").build())
                .statusCode(400)
                .build();
    }

    public static RuntimeException connectionRefused() {
        return SdkClientException.create("Unable to execute HTTP request: Connection refused");
    }

    /** Not an exception a handler could catch and answer: the process dies mid-request. */
    public static Error crash() {
        return new OutOfMemoryError("simulated crash between the exchange and the store");
    }

    public static DynamoDbClient dynamo(AwsEmulator aws, Predicate<SdkRequest> when, Supplier<? extends Throwable> fault) {
        return aws.client(DynamoDbClient.builder(), false, failing(when, fault));
    }

    public static KmsClient kms(AwsEmulator aws, Predicate<SdkRequest> when, Supplier<? extends Throwable> fault) {
        return aws.client(KmsClient.builder(), false, failing(when, fault));
    }

    public static SecretsManagerClient secretsManager(AwsEmulator aws, Predicate<SdkRequest> when,
                                                      Supplier<? extends Throwable> fault) {
        return aws.client(SecretsManagerClient.builder(), false, failing(when, fault));
    }

    /** An interceptor counting every AWS call made through the clients it is added to. */
    public static ExecutionInterceptor countingCalls(AtomicInteger calls) {
        return new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                calls.incrementAndGet();
            }
        };
    }

    /** A client that counts every write it makes (puts, updates, deletes, transactions). */
    public static DynamoDbClient dynamoCountingWrites(AwsEmulator aws, AtomicInteger writes) {
        ExecutionInterceptor counter = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                String operation = context.request().getClass().getSimpleName();
                if (operation.matches("(Put|Update|Delete|BatchWrite)ItemRequest|TransactWriteItemsRequest")) {
                    writes.incrementAndGet();
                }
            }
        };
        return aws.client(DynamoDbClient.builder(), true, counter);
    }

    private static ExecutionInterceptor failing(Predicate<SdkRequest> when, Supplier<? extends Throwable> fault) {
        return new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                if (when.test(context.request())) {
                    Throwable failure = fault.get();
                    if (failure instanceof Error error) {
                        throw error;
                    }
                    throw (RuntimeException) failure;
                }
            }
        };
    }
}
