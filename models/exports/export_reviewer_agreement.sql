{#- _reviewer_agreement.csv: percent agreement and Cohen's kappa per reviewer pair, on the
    action and per tag. -#}

select
    {{ csv_safe('reviewer_a') }} as reviewer_a,
    {{ csv_safe('reviewer_b') }} as reviewer_b,
    measure,
    images_in_common,
    agreements,
    percent_agreement,
    percent_expected_by_chance,
    cohens_kappa,
    row_number() over (order by reviewer_a, reviewer_b, measure) as sort_order
from {{ ref('reviewer_agreement') }}
