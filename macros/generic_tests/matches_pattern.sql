{% test matches_pattern(model, column_name, pattern) %}
    {#- Non-null values that do not match the regular expression. -#}
    select {{ column_name }}
    from {{ model }}
    where {{ column_name }} is not null
        and not {{ regex_matches(column_name, pattern) }}
{% endtest %}
