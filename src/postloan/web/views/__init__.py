"""Pages of the web shell: 工作台, 客户 (list, export, 360), 借据, and the areas still to come."""
