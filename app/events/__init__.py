"""Sales events such as National Poverty Alleviation Day fairs (国家扶贫日展销) and activity weeks."""
