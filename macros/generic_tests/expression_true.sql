{% test expression_true(model, expression, where_clause=none) %}
    {#- Rows where the expression is false: replaces dbt_utils.expression_is_true. -#}
    select *
    from {{ model }}
    where not ({{ expression }})
    {%- if where_clause %} and ({{ where_clause }}){% endif %}
{% endtest %}
