package dev.plaidknot.plaid;

import static org.assertj.core.api.Assertions.assertThat;

import com.plaid.client.request.PlaidApi;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import retrofit2.http.Body;
import retrofit2.http.Headers;
import retrofit2.http.POST;

/**
 * {@link PlaidOperations} restates seven of plaid-java's {@link PlaidApi} methods; this holds
 * each to its twin, so a plaid-java upgrade that changes a path, a header, a model or the way the
 * body is sent fails here rather than at Plaid.
 */
class PlaidOperationsTest {

    private static List<Method> operations() {
        return Arrays.stream(PlaidOperations.class.getDeclaredMethods()).toList();
    }

    private static Method twin(Method operation) throws NoSuchMethodException {
        return PlaidApi.class.getMethod(operation.getName(), operation.getParameterTypes());
    }

    @Test
    void every_operation_has_a_plaid_api_twin_with_the_same_models() throws Exception {
        assertThat(operations()).hasSize(8);
        for (Method operation : operations()) {
            Method twin = twin(operation);
            assertThat(operation.getGenericReturnType()).as(operation.getName()).isEqualTo(twin.getGenericReturnType());
            assertThat(operation.getGenericParameterTypes()).as(operation.getName())
                    .isEqualTo(twin.getGenericParameterTypes());
        }
    }

    @Test
    void every_operation_posts_to_its_twins_path_with_its_twins_headers() throws Exception {
        for (Method operation : operations()) {
            Method twin = twin(operation);
            assertThat(operation.getAnnotation(POST.class).value()).as(operation.getName())
                    .isEqualTo(twin.getAnnotation(POST.class).value());
            assertThat(operation.getAnnotation(Headers.class).value()).as(operation.getName())
                    .containsExactly(twin.getAnnotation(Headers.class).value());
            assertThat(retrofitAnnotations(operation)).as(operation.getName()).isEqualTo(retrofitAnnotations(twin));
        }
    }

    @Test
    void every_operation_sends_its_model_as_the_body_as_its_twin_does() throws Exception {
        for (Method operation : operations()) {
            assertThat(bodyParameters(operation)).as(operation.getName()).containsExactly(true)
                    .isEqualTo(bodyParameters(twin(operation)));
        }
    }

    /** The Retrofit annotations on a method, by type: nothing beyond the path and the headers. */
    private static List<String> retrofitAnnotations(Method method) {
        return Arrays.stream(method.getAnnotations()).map(Annotation::annotationType)
                .filter(type -> type.getPackageName().equals("retrofit2.http")).map(Class::getName).sorted().toList();
    }

    /** For each parameter, whether it is the request's body. */
    private static List<Boolean> bodyParameters(Method method) {
        return Arrays.stream(method.getParameterAnnotations())
                .map(annotations -> Arrays.stream(annotations).anyMatch(a -> a instanceof Body)).toList();
    }
}
